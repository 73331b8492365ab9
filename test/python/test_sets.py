"""Sets and markers, dependency groups (include-group, cycles), and the closure walk."""

from __future__ import annotations

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from wheelwright_helper.closure import Closure, Dist
from wheelwright_helper.events import HelperError
from wheelwright_helper.groups import expand_group
from wheelwright_helper.requirements import RequirementLine, RequirementsFile
from wheelwright_helper.sets import AppFacts, build_sets, name_direct_owner, pip_roots

REQUIRES = [
    "django>=4.2",
    'tomli>=1; python_version < "3.0"',  # never holds: not in any set
    'pytest>=7; extra == "test"',
    'coverage[toml]>=7; extra == "Test_Extra" and python_version >= "3.0"',
    'uvloop; extra == "fast"',
]
APP = AppFacts("demo", "0.1.0", "demo-0.1.0-py3-none-any.whl", REQUIRES, ["fast", "test", "test-extra"])


def strings(requirements):
    return [str(r) for r in requirements]


def test_runtime_and_extras_sets_judge_markers_here():
    sets = build_sets(APP, ["test", "TEST.extra"], {}, [], [])
    assert list(sets) == ["runtime", "extra:test", "extra:test-extra"]
    assert strings(sets["runtime"]) == ["django>=4.2"]
    assert strings(sets["extra:test"]) == ["pytest>=7"]
    # PEP 685: Test_Extra, test-extra and TEST.extra are one extra; the marker is gone from the root.
    assert strings(sets["extra:test-extra"]) == ["coverage[toml]>=7"]


def test_unknown_extras_and_groups_list_what_is_available():
    with pytest.raises(HelperError) as caught:
        build_sets(APP, ["tests", "fast"], {"dev": ["ruff"]}, ["lint"], [])
    error = caught.value
    assert error.error == "unknown-extra" and error.exit_code == 22
    assert error.fields["extras"] == ["tests"] and error.fields["groups"] == ["lint"]
    assert error.fields["available"] == ["fast", "test", "test-extra"]
    assert error.fields["available_groups"] == ["dev"]


def test_groups_expand_include_group():
    table = {"test": ["pytest>=7", {"include-group": "Typing"}], "typing": ["mypy", 'tomli; python_version < "3.0"']}
    assert expand_group(table, "test") == ["pytest>=7", "mypy", 'tomli; python_version < "3.0"']
    sets = build_sets(APP, [], table, ["test"], [])
    assert strings(sets["group:test"]) == ["pytest>=7", "mypy"]


def test_group_cycles_are_refused():
    table = {"a": [{"include-group": "b"}], "b": ["x", {"include-group": "A"}]}
    with pytest.raises(HelperError) as caught:
        expand_group(table, "a")
    assert caught.value.error == "group-cycle"
    assert caught.value.fields["chain"] == ["a", "b", "a"]


def test_requirements_set_and_the_project_itself():
    parsed = RequirementsFile("requirements-dev.txt", [
        RequirementLine(Requirement("project-itself"), [], "requirements-dev.txt:1", app_extras=["test"]),
        RequirementLine(Requirement('black; python_version >= "3.0"'), [], "requirements-dev.txt:2"),
        RequirementLine(Requirement("demo[fast]"), [], "requirements-dev.txt:3"),
    ])
    sets = build_sets(APP, [], {}, [], [parsed])
    assert strings(sets["requirements:requirements-dev.txt"]) == [
        "django>=4.2", "pytest>=7", "black", "django>=4.2", "uvloop"]
    assert pip_roots(sets) == ["black", "django>=4.2", "pytest>=7", "uvloop"]


def dists(**versions_and_requires):
    return {name: Dist(name, version, requires) for name, (version, requires) in versions_and_requires.items()}


def test_closure_walks_extras_and_markers_of_dependencies():
    available = dists(
        django=("5.0", ["asgiref>=3.7", 'tzdata; sys_platform == "win32"']),
        asgiref=("3.8", []),
        requests=("2.32", ['PySocks>=1.5; extra == "socks"', "idna"]),
        idna=("3.7", []),
        pysocks=("1.7", []),
    )
    closure = Closure(available, default_environment())
    reached, missing = closure.walk("runtime", [Requirement("django>=4.2"), Requirement("requests[socks]")])
    assert reached == {"django", "asgiref", "requests", "idna", "pysocks"}
    assert missing == []


def test_closure_names_what_is_missing_and_who_needs_it():
    available = dists(django=("5.0", ["asgiref>=3.9"]), asgiref=("3.8", []))
    reached, missing = Closure(available).walk("runtime", [Requirement("django"), Requirement("gunicorn")])
    assert reached == {"django"}
    assert sorted(m.event()["requirement"] for m in missing) == ["asgiref>=3.9", "gunicorn"]
    by_requirement = {m.requirement: m for m in missing}
    assert by_requirement["asgiref>=3.9"].found == "3.8" and by_requirement["asgiref>=3.9"].needed_by == "django"
    assert by_requirement["gunicorn"].found is None and by_requirement["gunicorn"].needed_by is None


def test_a_missing_requirement_no_package_asked_for_names_the_sets_that_hold_it():
    sets = {"runtime": [Requirement("django>=4.2")], "extra:test": [Requirement("Peppercorn>=1")],
            "group:tests": [Requirement("peppercorn")]}
    direct = HelperError("resolve", not_found="peppercorn>=1", offered=[])
    name_direct_owner(direct, sets)
    assert direct.fields["needed_by_sets"] == ["extra:test", "group:tests"]
    # A package asked for it: pip's parent is said, and no set is added.
    asked = HelperError("resolve", not_found="peppercorn>=1", offered=[], needed_by="pyramid")
    name_direct_owner(asked, sets)
    assert "needed_by_sets" not in asked.fields
    # No set names it (a constraint, say), or what pip printed is not a requirement: nothing added.
    for missing in ("zope-interface", "not a requirement!"):
        other = HelperError("resolve", not_found=missing, offered=[])
        name_direct_owner(other, sets)
        assert "needed_by_sets" not in other.fields


def test_the_apps_own_name_is_left_out_of_the_closure(capsys):
    from wheelwright_helper.resolve import Item
    from wheelwright_helper.sets import AppFacts, without_the_app

    app = AppFacts("iniconfig", "2.1.1.dev4", "iniconfig-2.1.1.dev4-py3-none-any.whl", [], ["test"])
    items = [Item("pytest", "8.0", "file:///i/pytest-8.0-py3-none-any.whl", None),
             Item("iniconfig", "2.3.0", "file:///i/iniconfig-2.3.0-py3-none-any.whl", None)]
    assert [i.name for i in without_the_app(items, app)] == ["pytest"]
    assert "iniconfig 2.3.0 from the index left out" in capsys.readouterr().out
    assert without_the_app(items[:1], app) == items[:1]
