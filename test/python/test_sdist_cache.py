"""The registry wheel cache's wheels in the helper (issue 13): a wheel the host handed in is used
only for an sdist of exactly the sha256 it was built from (and only when it is a sound wheel of that
name and version); anything else compiles as before. The request names them by plain file names."""

from __future__ import annotations

import hashlib
import sys
import types
import zipfile

import pytest

from conftest import make_sdist


def wheel(path, name, version):
    with zipfile.ZipFile(path, "w") as archive:
        info = "%s-%s.dist-info" % (name, version)
        archive.writestr("%s/__init__.py" % name, "X = 1\n")
        archive.writestr(info + "/METADATA", "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version))
        archive.writestr(info + "/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n")
        archive.writestr(info + "/RECORD", "")
    return str(path)


@pytest.fixture
def sdist_module(monkeypatch):
    """wheelwright_helper.sdist without pypa/build (it lives in the helper's own environment); the
    modules imported over the stand-in go again afterwards."""
    fresh = [name for name in ("wheelwright_helper.pep517", "wheelwright_helper.sdist") if name not in sys.modules]
    if "build" not in sys.modules:
        monkeypatch.setitem(sys.modules, "build", types.ModuleType("build"))
        for name in fresh:
            monkeypatch.setitem(sys.modules, name, None)
            monkeypatch.delitem(sys.modules, name)
    from wheelwright_helper import sdist

    return sdist


@pytest.fixture
def world(tmp_path, monkeypatch, sdist_module):
    (tmp_path / "index").mkdir()
    archive = make_sdist(tmp_path / "index", "cext", "1.0", {"setup.py": "from setuptools import setup\nsetup()\n"})
    sha = hashlib.sha256(archive.read_bytes()).hexdigest()
    handed = tmp_path / "handed"
    handed.mkdir()
    cached = wheel(handed / "cext-1.0-cp311-cp311-linux_x86_64.whl", "cext", "1.0")
    compiled = []

    def fake_build_wheel(folder, wheel_dir, envs, env, runner, step, package=None):
        import os

        os.makedirs(wheel_dir, exist_ok=True)
        compiled.append(package)
        return wheel(os.path.join(wheel_dir, "cext-1.0-cp311-cp311-linux_x86_64.whl"), "cext", "1.0"), "python"

    monkeypatch.setattr(sdist_module, "build_wheel", fake_build_wheel)

    def builder(registry_wheels):
        return sdist_module.SdistBuilder(str(tmp_path / "work"), str(tmp_path / "cache"), None, {}, None, None,
                                         "identity", registry_wheels)

    return types.SimpleNamespace(archive=str(archive), sha=sha, cached=cached, compiled=compiled, builder=builder,
                                 out=str(tmp_path / "out"))


def test_a_wheel_for_exactly_this_sdist_is_used_and_nothing_compiles(world):
    builder = world.builder({world.sha: world.cached})
    path, how = builder.obtain_wheel("cext", "1.0", world.archive, world.sha, world.out)
    assert how == "registry"
    assert world.compiled == []
    assert open(path, "rb").read() == open(world.cached, "rb").read()
    # Kept like a wheel built here: the next build needs neither the registry nor a compiler.
    again, how = world.builder({}).obtain_wheel("cext", "1.0", world.archive, world.sha, world.out)
    assert how == "local" and world.compiled == []


def test_a_wheel_for_another_sdist_is_not_used(world):
    builder = world.builder({"0" * 64: world.cached})
    _path, how = builder.obtain_wheel("cext", "1.0", world.archive, world.sha, world.out)
    assert how == "compiled"
    assert world.compiled == ["cext"]


@pytest.mark.parametrize("name, version", [("other", "1.0"), ("cext", "2.0")])
def test_a_wheel_of_another_name_or_version_under_the_sdist_is_not_used(world, tmp_path, name, version):
    wrong = wheel(tmp_path / "handed" / ("%s-%s-cp311-cp311-linux_x86_64.whl" % (name, version)), name, version)
    builder = world.builder({world.sha: wrong})
    _path, how = builder.obtain_wheel("cext", "1.0", world.archive, world.sha, world.out)
    assert how == "compiled"


def test_a_damaged_wheel_is_not_used(world):
    with open(world.cached, "wb") as handle:
        handle.write(b"not a zip")
    _path, how = world.builder({world.sha: world.cached}).obtain_wheel("cext", "1.0", world.archive, world.sha,
                                                                       world.out)
    assert how == "compiled"


def test_the_request_names_plain_wheel_files_by_sdist_sha256():
    from wheelwright_helper.events import HelperError
    from wheelwright_helper.request import parse_request

    base = {"version": 1, "source": "/s", "out": "/o", "work": "/w", "cache": "/c"}
    entry = {"sdist": "a" * 64, "filename": "cext-1.0-py3-none-any.whl", "sha256": "b" * 64}
    parsed = parse_request({**base, "sdistWheels": {"dir": "/wheels", "wheels": [entry]}})
    assert parsed.sdist_wheels == {"a" * 64: "/wheels/cext-1.0-py3-none-any.whl"}
    assert parse_request(base).sdist_wheels == {}
    for bad in ({**entry, "filename": "../x.whl"}, {**entry, "sdist": "nope"}, {**entry, "filename": "x.tar.gz"}):
        with pytest.raises(HelperError):
            parse_request({**base, "sdistWheels": {"dir": "/wheels", "wheels": [bad]}})
