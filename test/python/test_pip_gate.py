"""pip_gate.py: pip starts before the build environment it resolves for is complete, and waits at
the first sdist for the helper's word. Run here against a stand-in pip (its own sources root, as
pip's runner script finds them) under a real venv interpreter: whether pip went past the gate is
what the stand-in prints."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from wheelwright_helper.resolve import GATE, GATE_CLOSED

MAIN = """\
    print("resolving wheels", flush=True)
    from pip._internal.distributions.sdist import SourceDistribution
    SourceDistribution().prepare_distribution_metadata(None, False, True)
    print("resolved", flush=True)
"""
SDIST = """\
    import sys
    class SourceDistribution:
        def prepare_distribution_metadata(self, finder, build_isolation, check_build_deps):
            print("preparing an sdist's metadata under", sys.prefix, flush=True)
"""


def stand_in_pip(root: Path, with_sdist_class: bool = True) -> str:
    """A pip sources root: pip/__main__.py resolves, reaching one sdist; returns the runner's path."""
    files = {"pip/__init__.py": "", "pip/__main__.py": MAIN, "pip/_internal/__init__.py": "",
             "pip/_internal/distributions/__init__.py": ""}
    if with_sdist_class:
        files["pip/_internal/distributions/sdist.py"] = SDIST
    else:
        files["pip/__main__.py"] = 'print("resolving wheels", flush=True)\nprint("resolved", flush=True)\n'
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(textwrap.dedent(text))
    return str(root / "pip" / "__pip-runner__.py")  # the gate needs only where it would be


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gate") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return folder


def start(python: Path, runner: str):
    read_end, write_end = os.pipe()
    proc = subprocess.Popen([str(python), GATE, str(read_end), runner, "install", "--dry-run"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(read_end,), text=True)
    os.close(read_end)
    return proc, write_end


def test_pip_resolves_wheels_then_waits_at_the_first_sdist_until_ready(tmp_path, venv):
    proc, gate = start(venv / "bin" / "python", stand_in_pip(tmp_path))
    assert proc.stdout.readline() == "resolving wheels\n"
    # Held at the sdist: nothing more comes until the helper says the environment is ready.
    assert proc.poll() is None
    os.write(gate, b"ready\n")
    os.close(gate)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out == "preparing an sdist's metadata under %s\nresolved\n" % venv


@pytest.mark.parametrize("word", [b"closed\n", b""])
def test_a_closed_gate_stops_pip_before_the_sdist(tmp_path, venv, word):
    proc, gate = start(venv / "bin" / "python", stand_in_pip(tmp_path))
    assert proc.stdout.readline() == "resolving wheels\n"
    os.write(gate, word)
    os.close(gate)  # b"": the helper is gone, the pipe closed without a word
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == GATE_CLOSED
    assert out == ""
    assert "the build environment this resolution waited for was not made" in err


def test_a_pip_without_that_class_waits_before_it_starts(tmp_path, venv):
    proc, gate = start(venv / "bin" / "python", stand_in_pip(tmp_path, with_sdist_class=False))
    os.write(gate, b"closed\n")
    os.close(gate)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == GATE_CLOSED
    assert out == ""  # never started: unguarded is never an option


def test_an_interpreter_that_did_not_start_as_the_venv_goes_no_further(tmp_path, venv):
    # A link to the venv's folder that pointed nowhere when the interpreter started: what runs then
    # is the base interpreter outside any venv. Here: the venv's interpreter without its pyvenv.cfg.
    (tmp_path / "bare" / "bin").mkdir(parents=True)
    os.symlink(os.path.realpath(venv / "bin" / "python"), tmp_path / "bare" / "bin" / "python")
    proc, gate = start(tmp_path / "bare" / "bin" / "python", stand_in_pip(tmp_path))
    out, _ = proc.communicate(timeout=60)
    os.close(gate)
    assert proc.returncode == GATE_CLOSED
    assert out == ""


def test_the_helper_modules_beside_the_gate_do_not_shadow_pip(tmp_path, venv):
    # The gate lives among the helper's modules, one of them named pip.py.
    assert (Path(GATE).parent / "pip.py").is_file()
    proc, gate = start(venv / "bin" / "python", stand_in_pip(tmp_path))
    os.write(gate, b"ready\n")
    os.close(gate)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.endswith("resolved\n")


def test_the_gate_imports_only_the_standard_library():
    # It runs under a build environment's interpreter, with neither the helper nor its packages:
    # the standard library, and pip (the one beside the runner it is given).
    allowed = set(sys.stdlib_module_names) | {"pip"}
    for node in ast.walk(ast.parse(Path(GATE).read_text())):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module.split(".")[0] in allowed, node.module
        elif isinstance(node, ast.Import):
            assert all(alias.name.split(".")[0] in allowed for alias in node.names)
