"""A resolution under a build environment another thread is still making, instead of waiting for
it (pip's start and most of a resolution overlap the install of the build requirements: about 1.5 s
of a cold Django build, where the app's environment takes that long to make).

pip runs under a link to the venv being filled, behind a gate (pip_gate.py) that holds it at the
first sdist's metadata, the one thing it needs the environment for, until the environment is
complete. Only stdlib and `packaging`."""

from __future__ import annotations

import os
import threading
from typing import List, Optional, Sequence, Tuple, Union

from .buildenv import BuildEnvs, Making, environment_satisfies
from .pip import pip_runner
from .resolve import GATE

NEEDED = ["setuptools"]


class GatedPython:
    """The app's build environment while another thread makes it, for one resolution to run under
    at once. pip runs under `link`, a link to the venv being filled: a venv's prefix is found from
    its interpreter's path with links unresolved, so once the environment is complete and renamed
    into place, repointing the link makes the same process (and the backends it starts) use the
    complete one. The gate opens only then, and only if setuptools is there."""

    def __init__(self, making: Making, link: str) -> None:
        self.making = making
        self.link = link
        self._lock = threading.Lock()
        self._taken = False
        self._settled: Union[str, None, bool] = False  # False: not known yet

    def take(self) -> Optional[Tuple[List[str], int]]:
        """pip's argv prefix behind the gate and the pipe end to pass it, once; None after that
        (a second resolution runs under settled()) or where pip has no runner script."""
        runner = pip_runner()
        with self._lock:
            if self._taken or runner is None:
                return None
            self._taken = True
        read_end, write_end = os.pipe()
        threading.Thread(target=self._open_gate, args=(write_end,), name="gate", daemon=True).start()
        return [os.path.join(self.link, "bin", "python"), GATE, str(read_end), runner], read_end

    def settled(self) -> Optional[str]:
        """The complete environment's interpreter (waiting for it), the link repointed at it; None
        when it was not made or lacks setuptools (the resolution then isolates)."""
        with self._lock:
            if self._settled is False:
                self._settled = self._settle()
            return self._settled  # type: ignore[return-value]

    def _settle(self) -> Optional[str]:
        try:
            folder = self.making.finished.result()
        except BaseException:  # noqa: BLE001 - the app's build meets it again, and reports it
            return None
        if not environment_satisfies(folder, NEEDED):
            return None
        repointed = self.link + ".new"
        os.symlink(folder, repointed)
        os.replace(repointed, self.link)
        return os.path.join(folder, "bin", "python")

    def _open_gate(self, write_end: int) -> None:
        try:
            message = b"ready\n" if self.settled() is not None else b"closed\n"
            os.write(write_end, message)
        except OSError:
            pass  # pip is gone already (cancelled, or failed before its first sdist)
        finally:
            os.close(write_end)


def gate_for(envs: BuildEnvs, requires: Sequence[str], link: str) -> Optional[GatedPython]:
    """A gated interpreter for the environment holding `requires` while another thread makes it
    (its venv made, waiting a moment for that); None when it is complete already or nobody makes it."""
    if envs.ready_python(requires) is not None:
        return None
    making = envs.in_the_making(requires)
    temporary = making.wait_for_venv() if making is not None else None
    if making is None or temporary is None:
        return None
    try:
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(temporary, link)
    except OSError:
        return None  # the resolution then waits for the environment, as it would anyway
    return GatedPython(making, link)
