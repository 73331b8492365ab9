"""One resolution of the whole closure with pip's JSON report (`pip install --dry-run
--ignore-installed --report`, pip >= 22.2): which distribution of which version, from which URL
(a wheel is fetched, an sdist is built) with which hash and which Requires-Dist. Nothing is
scraped from pip's log except, on failure, what went wrong."""

from __future__ import annotations

import itertools
import json
import os
import threading
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.parse import unquote, urlsplit

from packaging.utils import canonicalize_name

from .events import HelperError
from .pip import describe_failure, pip_command
from .process import ProcessResult, ProcessRunner

GATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pip_gate.py")
GATE_CLOSED = 86  # pip_gate.GATE_CLOSED


class GateClosed(Exception):
    """A gated resolution (gated_env.GatedPython) did not run: the environment it waited for was not
    made, or its interpreter started while the link to it pointed nowhere."""


@dataclass(frozen=True)
class Item:
    name: str  # canonical
    version: str
    url: str
    sha256: Optional[str]
    requires: List[str] = field(default_factory=list)
    kind: str = "archive"  # archive | dir | vcs | prebuilt (a wheel this helper built before)

    @property
    def origin(self) -> str:
        return "fetched" if self.kind == "archive" and self.filename.endswith(".whl") else "built"

    @property
    def is_wheel(self) -> bool:
        return self.filename.endswith(".whl")

    @property
    def filename(self) -> str:
        return os.path.basename(urlsplit(self.url).path)

    @property
    def key(self) -> tuple:
        return (self.name, self.version, self.url)

    def label(self) -> str:
        return "%s %s" % (self.name, self.version)


def parse_report(data: dict, prebuilt: Optional[str] = None) -> List[Item]:
    items = []
    for entry in data.get("install", []):
        metadata = entry.get("metadata", {})
        info = entry.get("download_info", {})
        archive = info.get("archive_info")
        digest = None
        kind = "dir" if "dir_info" in info else "vcs" if "vcs_info" in info else "archive"
        if prebuilt and info.get("url", "").startswith("file://") and \
                os.path.dirname(unquote(urlsplit(info["url"]).path)) == prebuilt:
            kind = "prebuilt"
        if archive is not None:
            digest = (archive.get("hashes") or {}).get("sha256")
            legacy = archive.get("hash") or ""
            if digest is None and legacy.startswith("sha256="):
                digest = legacy[len("sha256="):]
        items.append(Item(canonicalize_name(metadata["name"]), metadata["version"], info["url"], digest,
                          list(metadata.get("requires_dist") or []), kind))
    return sorted(items, key=lambda item: item.name)


class Resolver:
    """Runs pip's resolution; each call writes its own roots, constraints and report under work."""

    _counter = itertools.count(1)
    _counter_lock = threading.Lock()

    def __init__(self, runner: ProcessRunner, env: Dict[str, str], work: str, pip_args: Sequence[str],
                 prebuilt: Optional[str] = None) -> None:
        self.runner = runner
        self.env = env
        self.folder = os.path.join(work, "resolve")
        self.pip_args = list(pip_args)
        # Wheels this helper built from sdists before (same interpreter, index and build settings),
        # offered to pip as find-links: pip then reads their metadata instead of preparing each
        # sdist's metadata in a fresh build environment, the one thing that made warm builds slow.
        self.prebuilt = prebuilt

    def resolve(self, roots: Sequence[str], constraints: Sequence[str] = (), no_deps: bool = False,
                step: str = "resolve", offer_prebuilt: bool = True, build_python: Optional[str] = None,
                gate: Optional[Tuple[List[str], int]] = None) -> List[Item]:
        """With `build_python` (a build environment's interpreter), pip runs under it without build
        isolation, so an sdist's metadata is prepared with the packages already there instead of in
        a fresh environment installed for it (the costliest step of a cold resolution); pip's
        --check-build-dependencies refuses an sdist whose build requirements that environment does
        not meet, and the caller then resolves again the isolated way. With `gate` (pip's argv prefix
        under an environment still being made and the pipe end to pass it; gated_env.GatedPython),
        likewise: GateClosed when that environment was not made."""
        os.makedirs(self.folder, exist_ok=True)
        with self._counter_lock:
            number = next(self._counter)
        # Roots and constraints go in files: no argv length limit, no quoting of URLs with spaces.
        roots_file = os.path.join(self.folder, "roots-%d.txt" % number)
        report_file = os.path.join(self.folder, "report-%d.json" % number)
        with open(roots_file, "w", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in roots))
        argv = list(gate[0]) if gate is not None else pip_command(acting_on=build_python)
        argv += ["install", "--dry-run", "--ignore-installed", "--report", report_file, "--progress-bar", "off"]
        if build_python is not None or gate is not None:
            argv += ["--no-build-isolation", "--check-build-dependencies"]
        argv += self.pip_args
        if no_deps:
            argv.append("--no-deps")
        if offer_prebuilt and self.prebuilt and os.path.isdir(self.prebuilt):
            argv += ["--find-links", self.prebuilt]
        if constraints:
            constraints_file = os.path.join(self.folder, "constraints-%d.txt" % number)
            with open(constraints_file, "w", encoding="utf-8") as handle:
                handle.write("".join(line + "\n" for line in constraints))
            argv += ["--constraint", constraints_file]
        argv += ["--requirement", roots_file]
        result = self._run(argv, step, gate)
        if not result.ok:
            fields = describe_failure(result.lines)
            if result.signal:
                fields["signal"] = result.signal  # killed (9: most likely out of memory), not a pip error
            if "package" in fields:  # an sdist's metadata could not be prepared
                raise HelperError("deps-build", phase="metadata", tail=result.tail(), **fields)
            raise HelperError("resolve", tail=result.tail(), **fields)
        with open(report_file, encoding="utf-8") as handle:
            return parse_report(json.load(handle), self.prebuilt)

    def _run(self, argv: List[str], step: str, gate: Optional[Tuple[List[str], int]]) -> ProcessResult:
        if gate is None:
            return self.runner.run(argv, step, env=self.env)
        try:
            result = self.runner.run(argv, step, env=self.env, pass_fds=(gate[1],))
        except OSError as error:  # its interpreter's link pointed nowhere for a moment
            raise GateClosed(str(error)) from error
        finally:
            os.close(gate[1])
        if result.returncode == GATE_CLOSED:
            raise GateClosed("the build environment was not made")
        return result
