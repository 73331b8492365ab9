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
