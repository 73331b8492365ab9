"""Runs child processes (pip, build backends), streaming their output as log events.

Every child starts in its own process group so that a failure elsewhere (or the host's SIGTERM)
can stop it together with whatever it started (a compiler under pip under a backend). Only stdlib.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from .events import log

TAIL = 40
# pip says this for each file:// index that has no page for a project (a local mirror holds only
# some projects): in a failure's tail it hides the lines that matter, and "Looking in indexes" names
# the indexes already. Kept in the log, left out of the tail.
TAIL_NOISE = re.compile(r"^\s*WARNING: Location '[^']*' is ignored: it is neither a file nor a directory\.$")


@dataclass
class ProcessResult:
    argv: List[str]
    returncode: int
    lines: List[str]

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def signal(self) -> Optional[int]:
        """The signal that killed the process (9 for the OOM killer), if one did."""
        return -self.returncode if self.returncode < 0 else None

    def tail(self, count: int = TAIL) -> List[str]:
        return tail_of(self.lines, count)


def tail_of(lines: Sequence[str], count: int = TAIL) -> List[str]:
    """The last `count` lines of a failure's output, pip's ignored-location notices left out."""
    return [line for line in lines if not TAIL_NOISE.match(line)][-count:]


class Cancelled(Exception):
    """Raised in a worker when another part of the build failed first."""


class ProcessRunner:
    """Starts processes; `cancel()` stops every running one and refuses new ones."""

    def __init__(self) -> None:
        self._running: Dict[int, subprocess.Popen] = {}
        # Re-entrant: the SIGTERM handler calls cancel() on the main thread, which may be inside run().
        self._lock = threading.RLock()
        self.cancelled = False

    def run(
        self,
        argv: Sequence[str],
        step: str,
        env: Optional[Dict[str, str]] = None,
        cwd: Optional[str] = None,
        package: Optional[str] = None,
        pass_fds: Sequence[int] = (),
    ) -> ProcessResult:
        extra = {"package": package} if package else {}
        with self._lock:
            if self.cancelled:
                raise Cancelled()
            proc = subprocess.Popen(
                list(argv), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, start_new_session=True, pass_fds=tuple(pass_fds),
            )
            self._running[proc.pid] = proc
        lines: List[str] = []
        try:
            assert proc.stdout is not None
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                lines.append(line)
                log(step, line, **extra)
            code = proc.wait()
        finally:
            with self._lock:
                self._running.pop(proc.pid, None)
        if self.cancelled:
            raise Cancelled()
        return ProcessResult(list(argv), code, lines)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            running = list(self._running.values())
        for proc in running:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
