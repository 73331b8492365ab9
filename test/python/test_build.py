"""The helper run for real, as the host runs it: on small sdists the tests make, this machine's
index for setuptools, and the host's Python. Marked slow (-m "not slow" skips them)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import SETUPTOOLS, copy_helper_env, helper_without_wheels, request_for, run_helper, write_project

pytestmark = pytest.mark.slow


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path):
    """The handoff folder, each wheel shown as its folder and project name (tags vary by backend)."""
    return sorted(str(p.relative_to(folder)).split("-")[0] for p in folder.rglob("*"))


def test_app_and_closure_with_extras_and_groups(tmp_path, links, shared_cache):
    deps = ["wwpure>=1", "wwextras[fast]>=1"]
    source = write_project(tmp_path / "my proj, \"x\"", dependencies=deps, optional={"Test_Extra": ["wwcext"]},
                           groups={"dev": ["wwpure", {"include-group": "lint"}], "lint": []})
    request = request_for(tmp_path, source, shared_cache, links, expectName="demo", extras=["test-extra"],
                          groups=["dev"], staticRequires=deps)
    run = run_helper(request, tmp_path)
    assert run.returncode == 0, run.explain()
    assert listing(run.out) == ["app", "app/demo", "deps", "deps/wwcext", "deps/wwextras", "deps/wwpure",
                                "report.json"]
    wheels = {w["filename"].split("-")[0]: w for w in run.report["wheels"]}
    assert wheels["demo"]["folder"] == "app" and wheels["demo"]["sets"] == ["runtime"]
    assert wheels["wwpure"]["sets"] == ["group:dev", "runtime"]
    assert wheels["wwcext"]["sets"] == ["extra:test-extra", "runtime"]  # also via wwextras[fast]
    assert {w["origin"] for w in run.report["wheels"]} == {"built"}  # every one came from an sdist
    assert run.report["extras"] == ["test-extra"] and run.report["groups"] == ["dev", "lint"]
    kinds = [e["kind"] + ":" + e.get("phase", "") for e in run.events if e["kind"] in ("phase", "app")]
    # The static requirements started the resolution while the app's wheel was being built.
    assert kinds.index("phase:resolve") < kinds.index("app:")
    phases = [e["phase"] for e in run.of("phase")]
    assert phases[:2] == ["bootstrap", "app"] and phases[-1] == "check" and {"resolve", "deps"} <= set(phases)
    app = run.of("app")[0]
    assert app["name"] == "demo" and "wwpure>=1" in app["requires"] and app["extras"] == ["test-extra"]
    assert run.of("done") == [{"kind": "done", "wheels": 4}]
    progress = run.of("progress")
    assert progress[-1]["done"] == progress[-1]["total"] == 3


def test_two_sdists_build_at_once(tmp_path, links, shared_cache):
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    source = write_project(tmp_path / "proj", dependencies=["wwbar1", "wwbar2"])
    request = request_for(tmp_path, source, shared_cache, links, jobs=2)
    # Each sdist's build waits until the other one has started: this passes only if both run at once.
    run = run_helper(request, tmp_path, env=dict(os.environ, WW_BARRIER=str(barrier)))
    assert run.returncode == 0, run.explain()
    assert sorted(p.name for p in barrier.iterdir()) == ["wwbar1.started", "wwbar2.started"]


def test_a_failing_sdist_is_named_and_nothing_is_handed_off(tmp_path, links, shared_cache):
    source = write_project(tmp_path / "proj", dependencies=["wwpure", "wwbroken"])
    run = run_helper(request_for(tmp_path, source, shared_cache, links), tmp_path)
    assert run.returncode == 23, run.explain()
    assert run.error["error"] == "deps-build" and run.error["package"] == "wwbroken"
    assert any("error" in line for line in run.error["tail"])
    assert list(run.out.iterdir()) == []


def test_hash_pinned_requirements_are_enforced(tmp_path, links, shared_cache):
    source = write_project(tmp_path / "proj")
    good = sha256(links / "wwpure-1.0.tar.gz")
    (source / "requirements.lock").write_text("wwpure==1.0 \\\n    --hash=sha256:%s\n" % good)
    run = run_helper(request_for(tmp_path, source, shared_cache, links, requirements=["requirements.lock"]),
                     tmp_path)
    assert run.returncode == 0, run.explain()
    assert [w["sets"] for w in run.report["wheels"] if w["filename"].startswith("wwpure")] == [
        ["requirements:requirements.lock"]]
    (source / "requirements.lock").write_text("wwpure==1.0 \\\n    --hash=sha256:%s\n" % ("0" * 64))
    shutil.rmtree(run.out)
    run = run_helper(request_for(tmp_path, source, shared_cache, links, requirements=["requirements.lock"]),
                     tmp_path)
    assert run.returncode == 22, run.explain()
    assert run.error["error"] == "requirements" and run.error["hash_mismatch"] is True
    assert run.error["package"] == "wwpure"


def test_a_lock_builds_its_versions_and_a_stale_one_is_refused(tmp_path, links, shared_cache):
    source = write_project(tmp_path / "proj", dependencies=["wwextras>=1"])
    digests = {name: sha256(links / ("%s-1.0.tar.gz" % name)) for name in ("wwpure", "wwextras", "wwcext")}
    (source / "pylock.toml").write_text("".join(
        '[[packages]]\nname = "%s"\nversion = "1.0"\nsdist = {name = "%s-1.0.tar.gz", hashes = {sha256 = "%s"}}\n\n'
        % (name, name, digest) for name, digest in sorted(digests.items())) + 'lock-version = "1.0"\n'
        .join([""]) + "")
    text = 'lock-version = "1.0"\ncreated-by = "a-test"\n\n' + (source / "pylock.toml").read_text()
    (source / "pylock.toml").write_text(text)
    request = request_for(tmp_path, source, shared_cache, links, expectName="demo",
                          lock={"path": "pylock.toml", "format": "pylock"})
    run = run_helper(request, tmp_path)
    assert run.returncode == 0, run.explain()
    # wwcext is locked but only wwextras' `fast` extra needs it: not built, not handed off.
    assert sorted(w["filename"].split("-")[0] for w in run.report["wheels"]) == ["demo", "wwextras", "wwpure"]
    write_project(source, dependencies=["wwextras>=2"])
    shutil.rmtree(run.out)
    run = run_helper(request, tmp_path)
    assert run.returncode == 27, run.explain()
    assert run.error["error"] == "lock-mismatch"
    assert run.error["requirement"] == "wwextras>=2" and run.error["locked"] == "1.0"
    assert run.error["entry"] == "pylock.toml: [[packages]] wwextras 1.0"


def test_a_c_extension_builds_byte_identical_in_two_builders(tmp_path, links, shared_cache):
    hashes = []
    for name, tz, umask in (("first work", "UTC", 0o022), ("zweite-Arbeit", "Pacific/Auckland", 0o077)):
        root = tmp_path / name
        cache = root / "cache"
        cache.mkdir(parents=True)
        copy_helper_env(shared_cache, cache)  # fresh caches: nothing built before
        # A setuptools app: its build environment also prepares the setuptools sdist's metadata,
        # with no fresh environment for it (no "Installing build dependencies" in the resolution).
        source = write_project(root / "src", dependencies=["wwcext"], backend=SETUPTOOLS)
        request = request_for(root, source, cache, links)
        old = os.umask(umask)
        try:
            run = run_helper(request, root, env=dict(os.environ, TZ=tz))
        finally:
            os.umask(old)
        assert run.returncode == 0, run.explain()
        resolve_log = [e["line"] for e in run.of("log") if e["step"] == "resolve"]
        assert not any("Installing build dependencies" in line for line in resolve_log)
        assert "resolving again with build isolation" not in resolve_log
        built = {p.name: sha256(p) for p in sorted((run.out / "deps").iterdir()) + [next((run.out / "app").iterdir())]}
        assert any("linux" in name for name in built)  # the compiled one
        hashes.append(built)
    assert hashes[0] == hashes[1]
    # A flit sdist needs what the app's environment lacks: pip says so, and the isolated way decides.
    write_project(source, dependencies=["wwcext", "wwpure"], backend=SETUPTOOLS)
    shutil.rmtree(run.out)
    run = run_helper(request, root)
    assert run.returncode == 0, run.explain()
    assert "resolving again with build isolation" in [e["line"] for e in run.of("log")]
    assert sorted(w["filename"].split("-")[0] for w in run.report["wheels"]) == ["demo", "wwcext", "wwpure"]


def test_the_early_start_prepares_setuptools_sdists_in_the_apps_environment(tmp_path, links, shared_cache):
    cache = tmp_path / "cache"
    cache.mkdir()
    copy_helper_env(shared_cache, cache)  # no build environment yet: the app's is made during the run
    source = write_project(tmp_path / "src", dependencies=["wwcext"], backend=SETUPTOOLS)
    request = request_for(tmp_path, source, cache, links, staticRequires=["wwcext"])
    run = run_helper(request, tmp_path)
    assert run.returncode == 0, run.explain()
    kinds = [e["kind"] + ":" + e.get("phase", "") for e in run.events if e["kind"] in ("phase", "app")]
    assert kinds.index("phase:resolve") < kinds.index("app:")  # the early start resolved
    resolve_log = [e["line"] for e in run.of("log") if e["step"] == "resolve"]
    # The sdist's metadata came from the app's environment, which the early start waited for: no
    # isolated environment was made for it, and nothing was resolved twice.
    assert not any("Installing build dependencies" in line for line in resolve_log)
    assert "resolving again with build isolation" not in resolve_log
    assert sorted(w["filename"].split("-")[0] for w in run.report["wheels"]) == ["demo", "wwcext"]


def test_an_app_its_own_test_tool_depends_on_stands_for_itself(tmp_path, links, shared_cache):
    # wwextras requires wwpure>=1: an app named wwpure, tested with wwextras, is that dependency.
    source = write_project(tmp_path / "src", name="wwpure", optional={"test": ["wwextras"]})
    pyproject = source / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'version = "2.0.dev1"'))
    run = run_helper(request_for(tmp_path, source, shared_cache, links, expectName="wwpure", extras=["test"]),
                     tmp_path)
    assert run.returncode == 0, run.explain()
    wheels = {"-".join(w["filename"].split("-")[:2]): w for w in run.report["wheels"]}
    assert sorted(wheels) == ["wwextras-1.0", "wwpure-2.0.dev1"]
    assert wheels["wwpure-2.0.dev1"]["folder"] == "app"
    assert any("wwpure 1.0 from the index left out" in e["line"] for e in run.of("log"))


def test_unknown_extra_lists_the_available_ones(tmp_path, links, shared_cache):
    source = write_project(tmp_path / "proj", optional={"test": ["wwpure"]}, groups={"dev": []})
    run = run_helper(request_for(tmp_path, source, shared_cache, links, extras=["tests"]), tmp_path)
    assert run.returncode == 22, run.explain()
    assert run.error == {"kind": "error", "error": "unknown-extra", "extras": ["tests"], "groups": [],
                         "available": ["test"], "available_groups": ["dev"]}


def test_wrong_app_name_and_app_only(tmp_path, links, shared_cache):
    source = write_project(tmp_path / "proj", dependencies=["wwpure"])
    run = run_helper(request_for(tmp_path, source, shared_cache, links, expectName="other"), tmp_path)
    assert run.returncode == 21 and run.error["found"] == "demo" and run.error["expected"] == "other"
    run = run_helper(request_for(tmp_path, source, shared_cache, links, expectName="demo", appOnly=True), tmp_path)
    assert run.returncode == 0, run.explain()
    envs = shared_cache / "build-envs"
    # A mark in every existing build environment: one made anew lacks it (an inode number would not
    # tell: a folder removed and made again at once often gets the same one back).
    before = [p.name for p in envs.iterdir() if p.is_dir()]
    for name in before:
        (envs / name / "old-env-mark").write_text("")
    shutil.rmtree(run.out)
    run = run_helper(request_for(tmp_path, source, shared_cache, links, expectName="demo", appOnly=True,
                                 freshBuildEnv=True), tmp_path)
    assert run.returncode == 0, run.explain()
    assert any((envs / name).is_dir() and not (envs / name / "old-env-mark").exists() for name in before)
    assert [w["filename"].split("-")[0] for w in run.report["wheels"]] == ["demo"]
    assert "resolve" not in [e["phase"] for e in run.of("phase")]


def test_the_helper_environment_comes_from_the_shipped_wheels_without_an_index(tmp_path):
    source = write_project(tmp_path / "proj")
    request = request_for(tmp_path, source, tmp_path / "empty-cache")
    request["index"] = {"indexUrl": None, "extraIndexUrls": [], "findLinks": [str(tmp_path)], "noIndex": True}
    run = run_helper(request, tmp_path, command=("selftest",))
    assert run.returncode == 0, run.stdout + run.stderr
    facts = json.loads(run.stdout.strip().splitlines()[-1])
    assert facts["helperPackages"] == {"build": "1.6.1", "packaging": "26.3", "pyproject_hooks": "1.3.3"}
    # Compiled once, for the folder it was renamed to.
    assert list(Path(facts["helperEnv"]).glob("packaging/__pycache__/*.pyc"))


def test_no_helper_environment_is_a_clear_error(tmp_path):
    # Without the shipped wheels (as before Python 3.11) pip needs the index, and there is none.
    source = write_project(tmp_path / "proj")
    request = request_for(tmp_path, source, tmp_path / "empty-cache")
    request["index"] = {"indexUrl": None, "extraIndexUrls": [], "findLinks": [str(tmp_path)], "noIndex": True}
    run = run_helper(request, tmp_path, assets=helper_without_wheels(tmp_path))
    assert run.returncode == 26, run.explain()
    assert run.error["error"] == "helper-env" and run.error["tail"]
    assert not (tmp_path / "empty-cache" / "helper-env").exists() or not any(
        (tmp_path / "empty-cache" / "helper-env").iterdir())


def test_selftest_reports_versions(tmp_path, shared_cache):
    source = write_project(tmp_path / "proj")
    run = run_helper(request_for(tmp_path, source, shared_cache), tmp_path, command=("selftest",))
    assert run.returncode == 0, run.stderr
    import json

    facts = json.loads(run.stdout.strip().splitlines()[-1])
    assert facts["python"] == "%d.%d.%d" % sys.version_info[:3]
    assert facts["pip"] and set(facts["helperPackages"]) >= {"packaging", "pyproject_hooks", "build"}


def test_a_wrong_static_guess_is_resolved_again(tmp_path, links, shared_cache):
    source = write_project(tmp_path / "proj", dependencies=["wwpure"])
    # The guess names a package that fails to build: its early build must not fail the real one.
    request = request_for(tmp_path, source, shared_cache, links, staticRequires=["wwbroken"])
    run = run_helper(request, tmp_path)
    assert run.returncode == 0, run.explain()
    assert [w["filename"].split("-")[0] for w in run.report["wheels"]] == ["demo", "wwpure"]
    assert any("differs from the static guess" in e["line"] for e in run.of("log"))


def test_a_build_killed_by_a_signal_names_package_and_signal(tmp_path, links, shared_cache):
    source = write_project(tmp_path / "proj", dependencies=["wwkilled"])
    run = run_helper(request_for(tmp_path, source, shared_cache, links), tmp_path)
    assert run.returncode == 23, run.explain()
    assert (run.error["error"], run.error["package"], run.error["signal"]) == ("deps-build", "wwkilled", 9)


def test_a_build_requirement_no_index_offers_says_what_is_offered(tmp_path, links, shared_cache):
    source = write_project(tmp_path / "proj")
    text = (source / "pyproject.toml").read_text().replace('"flit_core>=3.4,<5"', '"flit_core<1"')
    (source / "pyproject.toml").write_text(text)
    run = run_helper(request_for(tmp_path, source, shared_cache, links, appOnly=True), tmp_path)
    assert run.returncode == 20, run.explain()
    assert run.error["error"] == "app-build" and run.error["phase"] == "build-env"
    assert run.error["not_found"] == "flit_core<1" and run.error["offered"]  # what the index does have
