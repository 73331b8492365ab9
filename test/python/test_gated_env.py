"""A resolution under the app's build environment while another thread still makes it (gated_env):
real pip and a real setuptools sdist. The install of the build requirements is held by the test, so
what pip does before the environment is complete is seen, not raced."""

from __future__ import annotations

import os
import threading

import pytest
from conftest import INDEX_URL
from wheelwright_helper import process
from wheelwright_helper.buildenv import BuildEnvs
from wheelwright_helper.gated_env import GatedPython, gate_for
from wheelwright_helper.pip import child_environment
from wheelwright_helper.process import ProcessRunner
from wheelwright_helper.resolve import GateClosed, Resolver

pytestmark = pytest.mark.slow
WAIT = 300  # seconds: only a hung run meets it


class HeldInstall(ProcessRunner):
    """Holds the install into a build environment until released; records every output line."""

    def __init__(self) -> None:
        super().__init__()
        self.held = threading.Event()
        self.release = threading.Event()
        self.lines = []
        self.seen = threading.Condition()

    def run(self, argv, step, **kwargs):
        if "--prefer-binary" in argv:  # BuildEnvs._make's install: its venv exists by now
            self.held.set()
            assert self.release.wait(WAIT)
        return super().run(argv, step, **kwargs)

    def record(self, step, line, **_fields):
        with self.seen:
            self.lines.append(line)
            self.seen.notify_all()

    def wait_for(self, predicate):
        with self.seen:
            assert self.seen.wait_for(lambda: any(predicate(line) for line in self.lines), WAIT)


@pytest.fixture
def held(monkeypatch):
    runner = HeldInstall()
    monkeypatch.setattr(process, "log", runner.record)
    return runner


def making(tmp_path, runner, requirements):
    cache = tmp_path / "cache"
    env = child_environment(os.environ, str(cache))
    envs = BuildEnvs(str(cache), ["--index-url", INDEX_URL], runner, env)
    failures = []

    def make():
        try:
            envs.python(requirements, "app")
        except Exception as error:  # noqa: BLE001 - the test looks at it
            failures.append(error)

    maker = threading.Thread(target=make)
    maker.start()
    assert runner.held.wait(WAIT)
    return envs, env, maker, failures


def test_pip_resolves_while_the_environment_is_made_and_prepares_the_sdist_once_it_is(tmp_path, links, held):
    envs, env, maker, failures = making(tmp_path, held, ["setuptools>=61"])
    link = str(tmp_path / "work" / "resolve" / "app-env")
    gated = gate_for(envs, ["setuptools>=61"], link)
    assert isinstance(gated, GatedPython)
    resolver = Resolver(held, env, str(tmp_path / "work"), ["--index-url", INDEX_URL, "--find-links", str(links)])
    result = {}
    resolving = threading.Thread(target=lambda: result.update(items=resolver.resolve(["wwcext"], gate=gated.take())))
    resolving.start()
    # pip reached the sdist while setuptools is not even being installed yet, and waits there.
    held.wait_for(lambda line: "Processing" in line and "wwcext-1.0.tar.gz" in line)
    assert resolving.is_alive()
    assert not os.path.exists(os.path.join(envs.root, envs.key(["setuptools>=61"])))
    held.release.set()
    maker.join(WAIT)
    resolving.join(WAIT)
    assert failures == []
    folder = os.path.join(envs.root, envs.key(["setuptools>=61"]))
    assert os.readlink(link) == folder  # repointed at the complete environment
    assert [(item.name, item.version, item.kind) for item in result["items"]] == [("wwcext", "1.0", "archive")]
    # The sdist's metadata came from the app's environment: no isolated one was made for it.
    assert not any("Installing build dependencies" in line for line in held.lines)
    assert gated.take() is None  # once: a second resolution runs under the complete environment
    assert gated.settled() == os.path.join(folder, "bin", "python")


def test_an_environment_that_is_not_made_closes_the_gate(tmp_path, links, held):
    envs, env, maker, failures = making(tmp_path, held, ["wwnosuchpackage>=1"])
    gated = gate_for(envs, ["wwnosuchpackage>=1"], str(tmp_path / "work" / "resolve" / "app-env"))
    assert isinstance(gated, GatedPython)
    resolver = Resolver(held, env, str(tmp_path / "work"), ["--index-url", INDEX_URL, "--find-links", str(links)])
    outcome = {}

    def resolve():
        try:
            resolver.resolve(["wwcext"], gate=gated.take())
        except GateClosed as error:
            outcome["closed"] = error

    resolving = threading.Thread(target=resolve)
    resolving.start()
    held.release.set()
    maker.join(WAIT)
    resolving.join(WAIT)
    assert len(failures) == 1  # the install found nothing
    assert "closed" in outcome
    assert gated.settled() is None


def test_no_gate_once_the_environment_is_complete_or_when_nobody_makes_it(tmp_path, held):
    held.release.set()
    envs, _, maker, _ = making(tmp_path, held, ["setuptools>=61"])
    maker.join(WAIT)
    assert gate_for(envs, ["setuptools>=61"], str(tmp_path / "link-a")) is None  # complete
    assert gate_for(envs, ["flit_core>=3"], str(tmp_path / "link-b")) is None  # nobody makes it
    assert not os.path.lexists(tmp_path / "link-a") and not os.path.lexists(tmp_path / "link-b")
