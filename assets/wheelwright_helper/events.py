"""The helper's side of the protocol: `@@wheelwright {json}` lines on stdout, and typed failures.

Only stdlib: this module is used before the helper environment exists.
"""

from __future__ import annotations

import json
import sys
import threading

PREFIX = "@@wheelwright "

# Exit codes, one per failure class (README.md lists them; the host maps them to its own errors).
EXIT_APP_BUILD = 20
EXIT_APP_NAME = 21
EXIT_INPUT = 22
EXIT_DEPS = 23
EXIT_UNSATISFIED = 24
EXIT_INVALID_WHEEL = 25
EXIT_HELPER_ENV = 26
EXIT_LOCK = 27

EXIT_CODES = {
    "app-build": EXIT_APP_BUILD,
    "app-name": EXIT_APP_NAME,
    "app-count": EXIT_APP_NAME,
    "app-python": EXIT_INPUT,
    "unknown-extra": EXIT_INPUT,
    "group-cycle": EXIT_INPUT,
    "requirements": EXIT_INPUT,
    "request": EXIT_INPUT,
    "resolve": EXIT_DEPS,
    "deps-build": EXIT_DEPS,
    "unsatisfied": EXIT_UNSATISFIED,
    "invalid-wheel": EXIT_INVALID_WHEEL,
    "helper-env": EXIT_HELPER_ENV,
    "lock-mismatch": EXIT_LOCK,
    "lock-format": EXIT_LOCK,
}

_lock = threading.Lock()


def emit(kind: str, **fields: object) -> None:
    """Writes one event line. Threads share stdout: one lock keeps each line whole."""
    line = PREFIX + json.dumps({"kind": kind, **fields}, sort_keys=False, default=str)
    with _lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def log(step: str, line: str, **fields: object) -> None:
    emit("log", step=step, line=line, **fields)


class HelperError(Exception):
    """A failure the host can name: its `error` code decides the exit code; `fields` go in the event."""

    def __init__(self, error: str, **fields: object) -> None:
        super().__init__(error)
        if error not in EXIT_CODES:
            raise ValueError("unknown error code " + error)
        self.error = error
        self.fields = fields

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.error]

    def event(self) -> dict:
        return {"error": self.error, **self.fields}

    def __str__(self) -> str:
        return "%s: %s" % (self.error, json.dumps(self.fields, default=str)[:500])
