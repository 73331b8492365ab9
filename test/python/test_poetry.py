"""poetry's groups read as PEP 735 groups, each constraint as a PEP 508 requirement."""

import pytest

from wheelwright_helper.events import HelperError
from wheelwright_helper.poetry import constraint, poetry_groups


@pytest.mark.parametrize(
    "text, expected",
    [
        ("^1.2.3", ">=1.2.3,<2"),
        ("^0.2.3", ">=0.2.3,<0.3"),
        ("^0.0.3", ">=0.0.3,<0.0.4"),
        ("~1.2.3", ">=1.2.3,<1.3"),
        ("~1", ">=1,<2"),
        ("*", ""),
        ("1.4", "==1.4"),
        (">=1.0,<2.0", ">=1.0,<2.0"),
        (">=1.0 <2.0", ">=1.0,<2.0"),
        ("~=2.1", "~=2.1"),
    ],
)
def test_constraints(text, expected):
    assert constraint(text, "dev", "pkg") == expected


def test_groups_and_dev_dependencies_as_requirement_lists():
    pyproject = {
        "tool": {
            "poetry": {
                "dependencies": {"python": "^3.9", "click": "^8"},
                "group": {"test": {"dependencies": {"pytest": "^7.0", "pytest-cov": {"version": "*", "extras": ["toml"]}}}},
                "dev-dependencies": {"black": {"version": "23.1", "python": ">=3.8", "markers": "sys_platform == 'linux'"}},
            }
        }
    }
    groups = poetry_groups(pyproject)
    assert groups["test"] == ["pytest>=7.0,<8", "pytest-cov[toml]"]
    assert groups["dev"] == ["black==23.1 ; (sys_platform == 'linux') and (python_version >= \"3.8\")"]
    from packaging.requirements import Requirement

    assert Requirement(groups["dev"][0]).marker is not None


def test_alternatives_and_path_dependencies_are_refused_with_the_reason():
    with pytest.raises(HelperError) as raised:
        constraint("^1 || ^2", "dev", "pkg")
    assert "||" in str(raised.value.fields)
    with pytest.raises(HelperError):
        poetry_groups({"tool": {"poetry": {"group": {"dev": {"dependencies": {"x": {"path": "../x"}}}}}}})


def test_main_dependencies_and_extras_as_the_wheel_will_declare_them():
    from wheelwright_helper.poetry import poetry_requires

    pyproject = {"tool": {"poetry": {
        "dependencies": {"python": "^3.11", "requests": "^2.31", "redis": {"version": ">=5", "optional": True}},
        "extras": {"cache": ["redis"]},
    }}}
    requires, extras = poetry_requires(pyproject)
    assert requires == ["requests>=2.31,<3", 'redis>=5 ; extra == "cache"']
    assert extras == ["cache"]
    assert poetry_requires({"project": {}}) is None
    # A dependency a requirement cannot say gives no guess (the wheel's metadata decides later).
    assert poetry_requires({"tool": {"poetry": {"dependencies": {"x": {"path": "../x"}}}}}) is None
