"""The app's dynamic build requirements (its backend's get_requires_for_build_wheel), kept in the
cache by what decides them: the build spec files (the static build requirements among them) and the
interpreter.
An app-only build asks the backend again only when no answer is kept: the host chose app-only
because the spec and the builder are unchanged since the last build, and the hook costs a backend
process of its own (a setuptools import, a run of setup.py). Every other build asks, and keeps it."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import List, Optional, Sequence

SPEC_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


class RequiresMemo:
    def __init__(self, cache: str, source: str, reuse: bool) -> None:
        self.folder = os.path.join(cache, "build-requires")
        self.source = source
        self.reuse = reuse

    def _path(self) -> str:
        digest = hashlib.sha256(sys.version.encode() + b"\n")
        for name in SPEC_FILES:
            try:
                with open(os.path.join(self.source, name), "rb") as handle:
                    data = handle.read()
                digest.update(b"%s %d\n" % (name.encode(), len(data)))
                digest.update(data)
            except FileNotFoundError:
                digest.update(b"%s none\n" % name.encode())
        return os.path.join(self.folder, digest.hexdigest()[:32] + ".json")

    def recall(self) -> Optional[List[str]]:
        """The kept answer, when this build may reuse one; None: ask the backend."""
        if not self.reuse:
            return None
        try:
            with open(self._path(), encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return None
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            return None
        return data

    def keep(self, requires: Sequence[str]) -> None:
        path = self._path()
        try:
            os.makedirs(self.folder, exist_ok=True)
            temporary = "%s.tmp-%d" % (path, os.getpid())
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(sorted(requires), handle)
            os.replace(temporary, path)
        except OSError:
            pass  # a cache: the next build asks the backend again
