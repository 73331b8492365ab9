"""pip, started before the build environment it resolves for is complete: `ENV/bin/python pip_gate.py
FD RUNNER PIP-ARGS...`. Run as a script under that environment's interpreter while pip still installs
its build requirements; stdlib only, imports nothing of the helper.

pip needs the environment for one thing in a resolution: preparing an sdist's (or a source tree's)
metadata, where it checks the build requirements (`--check-build-dependencies`) and runs the backend
under this interpreter (`--no-build-isolation`). Until then it reads indexes and wheels' metadata.
So pip starts at once, and the first sdist waits for one line on file descriptor FD: `ready` once
the environment is complete and this interpreter's prefix (a link) points at it. Anything else, or
the pipe closed, means it will not be: pip exits with GATE_CLOSED and the helper resolves the
isolated way. A pip without the class this wraps waits before it starts instead: never unguarded.
"""

from __future__ import annotations

import importlib
import os
import runpy
import sys
from importlib.machinery import PathFinder

GATE_CLOSED = 86  # resolve.GATE_CLOSED
READY = b"ready\n"

# This script's folder holds the helper's modules (its own pip.py among them): not pip's path.
del sys.path[0]
gate_fd = int(sys.argv[1])
pip_sources = os.path.dirname(os.path.dirname(os.path.abspath(sys.argv[2])))
del sys.argv[1:3]


class _PipFromRunner:
    """What pip's __pip-runner__.py does: `import pip` finds the pip beside that runner, not one
    the environment may hold."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname != "pip":
            return None
        return PathFinder.find_spec(fullname, [pip_sources], target)


_opened = []


def wait_for_the_environment():
    if not _opened:
        data = b""
        try:
            while not data.endswith(b"\n"):
                chunk = os.read(gate_fd, 64)
                if not chunk:
                    break
                data += chunk
            os.close(gate_fd)
        except OSError:
            data = b""
        # The prefix's site-packages was an empty folder at start; it is the full one now.
        importlib.invalidate_caches()
        _opened.append(data == READY)
    if not _opened[0]:
        _closed()


def _closed():
    sys.stdout.flush()
    sys.stderr.write("wheelwright: the build environment this resolution waited for was not made\n")
    sys.stderr.flush()
    os._exit(GATE_CLOSED)  # pip turns SystemExit into its own status 2, with a traceback


def _started_in_the_environment():
    """False when this interpreter started while its link pointed nowhere (the environment was
    renamed into place a moment before the link was repointed): not a venv then, or without its
    site-packages. The helper then resolves again under the complete environment."""
    prefix = os.path.dirname(os.path.dirname(sys.executable))
    return sys.prefix == prefix and any(
        entry.startswith(prefix + os.sep) and entry.endswith("site-packages") for entry in sys.path)


def _gate_sdists():
    try:
        from pip._internal.distributions.sdist import SourceDistribution

        prepare = SourceDistribution.prepare_distribution_metadata
    except (ImportError, AttributeError):
        return False

    def gated(self, *args, **kwargs):
        wait_for_the_environment()
        return prepare(self, *args, **kwargs)

    SourceDistribution.prepare_distribution_metadata = gated
    return True


if not _started_in_the_environment():
    _closed()
sys.meta_path.insert(0, _PipFromRunner)
if not _gate_sdists():
    wait_for_the_environment()
runpy.run_module("pip", run_name="__main__", alter_sys=True)
