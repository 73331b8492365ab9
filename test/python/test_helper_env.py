"""The helper environment's shipped wheels: pinned, complete, and used only where they suffice."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

from wheelwright_helper import helper_env

SHIPPED = Path(helper_env.BUNDLED_FOLDER)


def test_the_shipped_folder_holds_exactly_the_pinned_wheels():
    on_disk = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in SHIPPED.glob("*.whl")}
    assert on_disk == helper_env.BUNDLED_WHEELS


def test_the_shipped_wheels_cover_the_helper_requirements_from_3_11():
    names = {name.split("-")[0] for name in helper_env.BUNDLED_WHEELS}
    required = {requirement.split(">")[0].split(";")[0].strip() for requirement in helper_env.HELPER_REQUIREMENTS
                if "python_version" not in requirement}
    assert names == required
    for name in helper_env.BUNDLED_WHEELS:
        with zipfile.ZipFile(SHIPPED / name) as archive:
            members = archive.namelist()
            wheel = archive.read(next(m for m in members if m.endswith(".dist-info/WHEEL"))).decode()
        assert "Root-Is-Purelib: true" in wheel, name
        assert not any(".data/" in member for member in members), name  # unpacking them is all there is


def test_shipped_wheels_are_used_from_3_11_and_when_whole(tmp_path):
    assert helper_env.bundled_wheels(version=(3, 11)) == [str(SHIPPED / name)
                                                         for name in sorted(helper_env.BUNDLED_WHEELS)]
    assert helper_env.bundled_wheels(version=(3, 10)) is None  # build needs tomli there
    damaged = tmp_path / "wheels"
    shutil.copytree(SHIPPED, damaged)
    first = sorted(helper_env.BUNDLED_WHEELS)[0]
    (damaged / first).write_bytes((damaged / first).read_bytes()[:-1])
    assert helper_env.bundled_wheels(str(damaged), version=(3, 12)) is None
    (damaged / first).unlink()
    assert helper_env.bundled_wheels(str(damaged), version=(3, 12)) is None


def test_the_folder_name_says_what_made_it(tmp_path):
    assert helper_env.helper_env_dir(str(tmp_path), True) != helper_env.helper_env_dir(str(tmp_path), False)


def test_unpacking_installs_importable_packages(tmp_path):
    target = tmp_path / "env"
    helper_env.unpack_wheels([str(SHIPPED / name) for name in sorted(helper_env.BUNDLED_WHEELS)], str(target))
    assert (target / "packaging" / "requirements.py").is_file()
    assert (target / "build" / "__init__.py").is_file()
    assert (target / "pyproject_hooks" / "_in_process" / "_in_process.py").is_file()
    assert set(helper_env.installed_versions(str(target))) == {"build", "packaging", "pyproject_hooks"}
