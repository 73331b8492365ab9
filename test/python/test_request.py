"""The request file, pip's environment and argv, and what pip's failures say."""

from __future__ import annotations

import json
import os
import sys

import pytest
from wheelwright_helper.events import EXIT_CODES, HelperError
from wheelwright_helper import pip as helper_pip
from wheelwright_helper.pip import child_environment, describe_failure, index_arguments, pip_command
from wheelwright_helper.request import IndexSettings, load_request, parse_request

BASE = {"version": 1, "source": "/wheelwright/src", "out": "/wheelwright/out", "work": "/wheelwright/work",
        "cache": "/cache"}


def test_a_full_request_is_read(tmp_path):
    data = dict(BASE, expectName="polls", extras=["test"], groups=["dev"], requirements=["r.txt"],
                lock={"path": "uv.lock", "format": "uv"}, appOnly=True, freshBuildEnv=True,
                index={"indexUrl": "file:///opt/pypi/simple", "extraIndexUrls": ["https://127.0.0.1:1/simple"],
                       "findLinks": ["/opt/wheels", "/tmp/my proj, \"x\"/dist"]},
                jobs=3, sourceDateEpoch=1_700_000_000, staticRequires=["Django>=4.2"])
    path = tmp_path / "request.json"
    path.write_text(json.dumps(data))
    request = load_request(str(path))
    assert request.expect_name == "polls" and request.lock.format == "uv" and request.jobs == 3
    assert request.index.find_links[1] == "/tmp/my proj, \"x\"/dist"
    assert request.static_requires == ["Django>=4.2"]


@pytest.mark.parametrize("change, field", [
    ({"version": 2}, "version"),
    ({"source": "relative/path"}, "source"),
    ({"jobs": 0}, "jobs"),
    ({"jobs": True}, "jobs"),
    ({"lock": {"path": "x", "format": "pipfile"}}, "lock.format"),
    ({"sourceDateEpoch": 5}, "sourceDateEpoch"),
    ({"extras": "test"}, "extras"),
    ({"index": {"indexUrl": "https://user:hunter2@127.0.0.1/simple"}}, "index.indexUrl"),
    ({"index": {"extraIndexUrls": ["https://token@127.0.0.1/simple"]}}, "index.extraIndexUrls"),
])
def test_bad_requests_are_refused_with_the_field(change, field):
    with pytest.raises(HelperError) as caught:
        parse_request(dict(BASE, **change))
    assert caught.value.error == "request" and caught.value.exit_code == 22
    assert caught.value.fields["field"] == field
    assert "hunter2" not in json.dumps(caught.value.event())


def test_find_links_are_separate_arguments():
    args = index_arguments(IndexSettings("file:///i", ["file:///e"], ["/tmp/my proj, \"x\"", "/opt/wheels"]))
    assert args == ["--index-url", "file:///i", "--extra-index-url", "file:///e",
                    "--find-links", "/tmp/my proj, \"x\"", "--find-links", "/opt/wheels"]


def test_child_environment_drops_stray_pip_settings():
    env = child_environment({"PIP_FIND_LINKS": "/wheelhouse", "PIP_WHEEL_DIR": "/wheelhouse", "PIP_CERT": "/ca.pem",
                             "PYTHONPATH": "/helper", "NETRC": "/home/x/.netrc", "HOME": "/home/x"}, "/cache")
    assert "PIP_FIND_LINKS" not in env and "PIP_WHEEL_DIR" not in env and "PYTHONPATH" not in env
    assert env["PIP_CERT"] == "/ca.pem" and env["NETRC"] == "/home/x/.netrc"
    assert env["PIP_CACHE_DIR"] == "/cache/pip"
    assert env["PIP_CONFIG_FILE"] == "/dev/null"


def test_pip_acting_on_another_environment_runs_its_runner_under_that_interpreter(monkeypatch):
    assert pip_command() == [sys.executable, "-m", "pip"]
    # What pip's own --python would run, without the first pip that only starts the second.
    python, runner = pip_command(acting_on="/envs/a/bin/python")
    assert python == "/envs/a/bin/python" and runner.endswith("/pip/__pip-runner__.py")
    assert os.path.isfile(runner)
    monkeypatch.setattr(helper_pip, "pip_runner", lambda: None)  # a pip without one: --python
    assert pip_command(acting_on="/envs/a/bin/python") == [sys.executable, "-m", "pip", "--python",
                                                           "/envs/a/bin/python"]


def test_pip_failures_are_described():
    offered = describe_failure([
        "ERROR: Could not find a version that satisfies the requirement flit_core<4 (from versions: 4.1.0)",
        "ERROR: No matching distribution found for flit_core<4"])
    assert offered == {"not_found": "flit_core<4", "offered": ["4.1.0"]}
    # A dependency's dependency: pip's Collecting line names whose it is.
    nested = describe_failure([
        "Collecting fastapi[standard]>=0.112 (from -r /tmp/roots.txt (line 1))",
        'Collecting fastapi-cli>=0.0.5 (from fastapi-cli[standard]>=0.0.5; extra == "standard"->fastapi[standard]>=0.112->-r /tmp/roots.txt (line 1))',
        "Collecting Fastapi_CLI[standard]>=0.0.5 (from fastapi[standard]==0.115.0->-r /tmp/roots.txt (line 1))",
        "ERROR: Could not find a version that satisfies the requirement fastapi-cli[standard]>=0.0.5 (from versions: none)",
        "ERROR: No matching distribution found for fastapi-cli[standard]>=0.0.5"])
    assert nested["needed_by"] == "fastapi[standard]>=0.112"
    # No Collecting line for a package no index offers at all: the parent is in the error line itself.
    absent = describe_failure([
        'ERROR: Could not find a version that satisfies the requirement fastapi-cli[standard]>=0.0.32; extra == "standard"'
        " (from fastapi[standard]) (from versions: none)",
        'ERROR: No matching distribution found for fastapi-cli[standard]>=0.0.32; extra == "standard"'])
    assert absent == {"not_found": "fastapi-cli[standard]>=0.0.32", "offered": [], "needed_by": "fastapi[standard]"}
    declared = describe_failure(["Collecting nothere (from -r /tmp/roots.txt (line 1))",
                                 "ERROR: No matching distribution found for nothere"])
    assert "needed_by" not in declared
    conflict = describe_failure(["ERROR: Cannot install a==1 and b==2 because these package versions have "
                                 "conflicting dependencies.", "The conflict is caused by:", "    a 1 depends on c<1",
                                 "    b 2 depends on c>2"])
    assert conflict["conflict"][0].startswith("ERROR: Cannot install") and len(conflict["conflict"]) == 4
    metadata = describe_failure(["Collecting zbroken==1.0", "  Preparing metadata (pyproject.toml): started",
                                 "  × Preparing metadata (pyproject.toml) did not run successfully."])
    assert metadata == {"package": "zbroken"}


def test_every_error_code_has_its_exit_code():
    assert EXIT_CODES["app-build"] == 20 and EXIT_CODES["app-name"] == 21 and EXIT_CODES["unknown-extra"] == 22
    assert EXIT_CODES["deps-build"] == 23 and EXIT_CODES["unsatisfied"] == 24 and EXIT_CODES["invalid-wheel"] == 25
    assert EXIT_CODES["helper-env"] == 26 and EXIT_CODES["lock-mismatch"] == 27 and EXIT_CODES["lock-format"] == 27


def test_an_old_pip_is_refused_clearly(monkeypatch):
    import importlib.metadata

    from wheelwright_helper import helper_env

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "22.0.4")
    with pytest.raises(HelperError) as caught:
        helper_env.check_pip()
    assert caught.value.error == "helper-env" and caught.value.exit_code == 26
    assert "pip 22.0.4 is too old" in caught.value.fields["reason"] and "22.3" in caught.value.fields["reason"]
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "23.0.1")
    helper_env.check_pip()
