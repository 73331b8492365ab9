"""The default unittest runner (assets/wheelwright_testcheck/wheelwright_unittest.py) as `wheelwright
test` starts it: from the source copy, PYTHONSAFEPATH set, the installed app earlier on sys.path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTCHECK = Path(__file__).resolve().parents[2] / "assets" / "wheelwright_testcheck"


def write(root: Path, files: dict) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def run(tmp_path: Path, source_files: dict, installed_files: dict):
    source, site = tmp_path / "src-copy", tmp_path / "site-packages"
    write(source, source_files)
    write(site, installed_files)
    env = {**os.environ, "PYTHONSAFEPATH": "1", "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONPATH": "%s:%s" % (TESTCHECK, site), "WHEELWRIGHT_SOURCE": str(source),
           "WHEELWRIGHT_APP_MODULES": "app"}
    return subprocess.run([sys.executable, "-m", "wheelwright_unittest", "-v"], cwd=source, env=env,
                          capture_output=True, text=True, timeout=120)


APP_SOURCE = {"app/__init__.py": 'WHERE = "source"\n'}
APP_WHEEL = {"app/__init__.py": 'WHERE = "wheel"\n'}
CHECK = "import unittest\nimport app\n\n\nclass T(unittest.TestCase):\n    def test_where(self):\n        self.assertEqual(app.WHERE, 'wheel')\n"


def test_a_flat_layout_tests_package_tests_the_installed_app(tmp_path):
    done = run(tmp_path, {**APP_SOURCE, "tests/__init__.py": "", "tests/test_where.py": CHECK}, APP_WHEEL)
    assert done.returncode == 0, done.stderr
    assert "test_where (tests.test_where.T" in done.stderr and "Ran 1 test" in done.stderr


def test_tests_inside_the_app_run_from_the_installed_copy(tmp_path):
    inside = {"app/tests/__init__.py": "", "app/tests/test_inside.py": CHECK}
    done = run(tmp_path, {**APP_SOURCE, **inside}, {**APP_WHEEL, **inside})
    assert done.returncode == 0, done.stderr
    assert "Ran 1 test" in done.stderr and "site-packages" not in done.stdout  # one run, from the wheel


def test_no_tests_is_said_with_its_own_exit_code(tmp_path):
    done = run(tmp_path, APP_SOURCE, APP_WHEEL)
    assert done.returncode == 95  # wheelwright test: "no tests found", not a failure
    assert "found no tests" in done.stderr and "test-command" in done.stderr


def test_a_failing_test_fails_the_run(tmp_path):
    failing = CHECK.replace("'wheel'", "'elsewhere'")
    done = run(tmp_path, {**APP_SOURCE, "tests/__init__.py": "", "tests/test_where.py": failing}, APP_WHEEL)
    assert done.returncode == 1 and "FAILED" in done.stderr


NEEDS_PYTEST_LIKE = "import wwnosuchrunner\n\n\ndef test_x():\n    assert True\n"


def test_test_modules_none_of_which_import_are_said_with_their_own_exit_code(tmp_path):
    # httpx and six in a trial: tests written for pytest, no test set found, so pytest was never
    # installed: every "test" was unittest's stand-in for a module it could not import.
    tests = {"tests/__init__.py": "", "tests/test_a.py": NEEDS_PYTEST_LIKE,
             "tests/test_b.py": "import wwnosuchrunner.sub\n"}
    done = run(tmp_path, {**APP_SOURCE, **tests}, APP_WHEEL)
    assert done.returncode == 94, done.stderr  # wheelwright test: no test ran, not "the tests failed"
    assert "2 test module(s) and none could be imported" in done.stderr
    assert "missing: wwnosuchrunner" in done.stderr
    assert "tests.test_a: ModuleNotFoundError: No module named 'wwnosuchrunner'" in done.stderr
    assert "Ran " not in done.stderr  # nothing was run


def test_a_module_that_fails_to_import_beside_tests_that_run_fails_the_run(tmp_path):
    tests = {"tests/__init__.py": "", "tests/test_a.py": NEEDS_PYTEST_LIKE, "tests/test_where.py": CHECK}
    done = run(tmp_path, {**APP_SOURCE, **tests}, APP_WHEEL)
    assert done.returncode == 1, done.stderr
    assert "Ran 2 tests" in done.stderr and "errors=1" in done.stderr
