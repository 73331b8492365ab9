"""How the helper drives pip: its argv (index settings as separate arguments, never a shell string),
its environment (no configuration file or stray PIP_* variable decides anything), and what its
failures mean. Only stdlib.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Dict, List, Mapping, Optional

from .request import IndexSettings

# PIP_* variables that say how to reach an index (not which one): kept, so a team's certificate
# bundle or timeout still applies. Every other PIP_* (PIP_FIND_LINKS=/wheelhouse in the seed's
# builder, PIP_WHEEL_DIR, PIP_CONSTRAINT...) would silently change what gets built: dropped.
TRANSPORT_VARIABLES = ("PIP_CERT", "PIP_CLIENT_CERT", "PIP_TRUSTED_HOST", "PIP_DEFAULT_TIMEOUT", "PIP_TIMEOUT",
                       "PIP_RETRIES", "PIP_PROXY")


def child_environment(base: Mapping[str, str], cache: str) -> Dict[str, str]:
    """The environment of every child: the host's, without PYTHONPATH (it points at this helper)
    and without pip settings the request does not make."""
    env = {k: v for k, v in base.items() if not k.startswith("PIP_") or k in TRANSPORT_VARIABLES}
    env.pop("PYTHONPATH", None)
    env.update({
        # pip documents os.devnull here as "load no configuration file"; the request is the configuration.
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_CACHE_DIR": os.path.join(cache, "pip"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
        "PIP_NO_COLOR": "1",
        "PIP_PROGRESS_BAR": "off",
    })
    return env


def index_arguments(index: IndexSettings) -> List[str]:
    """Each URL and folder its own argument: a find-links folder may hold spaces or commas."""
    args: List[str] = []
    if index.no_index:
        args.append("--no-index")
    elif index.index_url is not None:
        args += ["--index-url", index.index_url]
    for url in index.extra_index_urls:
        args += ["--extra-index-url", url]
    for link in index.find_links:
        args += ["--find-links", link]
    return args


def pip_command(python: Optional[str] = None, acting_on: Optional[str] = None) -> List[str]:
    """pip under `python` (this interpreter by default); `acting_on`: the interpreter of the
    environment pip installs into or resolves for. pip's own `--python` starts pip twice: the first
    only runs pip's sources again under that interpreter, through the runner script pip ships beside
    them (pip 22.3+, the helper's minimum). Running that script directly saves a start of pip
    (about 0.5 s here, twice on a cold build's critical path: the app's build environment and the
    resolution under it)."""
    if acting_on is None:
        return [python or sys.executable, "-m", "pip"]
    runner = pip_runner()
    if runner is None:
        return [python or sys.executable, "-m", "pip", "--python", acting_on]
    return [acting_on, runner]


def pip_runner() -> Optional[str]:
    """pip's `__pip-runner__.py` (what its `--python` runs), or None where this pip has none."""
    import importlib.util

    spec = importlib.util.find_spec("pip")
    if spec is None or spec.origin is None:
        return None
    runner = os.path.join(os.path.dirname(spec.origin), "__pip-runner__.py")
    return runner if os.path.isfile(runner) else None


_NOT_FOUND = re.compile(r"No matching distribution found for (.+?)\s*$")
# pip names the parent in the same line when the requirement is a dependency's:
# "... the requirement fastapi-cli[standard]>=0.0.32; extra == "standard" (from fastapi[standard]) (from versions: none)"
_OFFERED = re.compile(r"Could not find a version that satisfies the requirement (.+?)(?: \(from ([^()]+(?:\([^()]*\))?[^()]*)\))? \(from versions: (.*)\)")
_COLLECTING = re.compile(r"^\s*(?:Collecting|Processing) (\S+)")
_COLLECTING_FROM = re.compile(r"^\s*Collecting (.+?) \(from (.+)\)\s*$")


def _needed_by(lines: List[str], requirement: str) -> Optional[str]:
    """The package whose dependency a missing requirement is, from pip's `Collecting X (from P->...)`
    line: the requirement's own root when none says (a declared requirement)."""
    wanted = _canonical(_package_name(requirement))
    for line in lines:
        match = _COLLECTING_FROM.match(line)
        if match and _canonical(_package_name(match.group(1))) == wanted:
            # The chain runs parent->grandparent->...; pip re-collects a package for its extras, which
            # names the package itself as the parent: skip those.
            chain = [p.strip() for p in match.group(2).split("->")]
            chain = [p for p in chain if _canonical(_package_name(p)) != wanted]
            parent = chain[0] if chain else ""
            return None if not parent or parent.startswith(("-r ", "-c ")) else parent
    return None


def describe_failure(lines: List[str]) -> Dict[str, object]:
    """What a failed pip run says, for the error event: the requirement no index offers (and the
    versions that are offered), the conflict pip explains, or the package whose metadata failed."""
    fields: Dict[str, object] = {}
    for line in lines:
        match = _OFFERED.search(line)
        if match:
            fields["not_found"] = _without_marker(match.group(1))
            if match.group(2) and not match.group(2).startswith(("-r ", "-c ")):
                fields["needed_by"] = match.group(2).split("->")[0].strip()
            offered = match.group(3).strip()
            fields["offered"] = [] if offered == "none" else [v.strip() for v in offered.split(",")]
        match = _NOT_FOUND.search(line)
        if match and "not_found" not in fields:
            fields["not_found"] = _without_marker(match.group(1))
    if "not_found" in fields:
        fields.setdefault("offered", [])
        parent = fields.get("needed_by") or _needed_by(lines, str(fields["not_found"]))
        if parent:
            fields["needed_by"] = parent
        return fields
    for index, line in enumerate(lines):
        if "ResolutionImpossible" in line or "conflicting dependencies" in line:
            start = max(0, index - 2)
            fields["conflict"] = [entry for entry in lines[start:index + 12] if entry.strip()]
            return fields
    package = None
    for line in lines:
        match = _COLLECTING.match(line)
        if match:
            package = match.group(1)
        if "metadata-generation-failed" in line or "did not run successfully" in line:
            fields["package"] = _package_name(package) if package else None
            return fields
    return fields


def _canonical(name: str) -> str:
    """PEP 503's normal form, with the stdlib only: this module runs before `packaging` is importable."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _without_marker(requirement: str) -> str:
    """`x>=1; extra == "standard"` -> `x>=1`: the marker says why pip wanted it, not what is missing."""
    return requirement.split(";", 1)[0].strip()


def _package_name(requirement_or_path: str) -> str:
    """`zbroken==1.0` or `/links/zbroken-1.0.tar.gz` -> `zbroken`."""
    base = os.path.basename(requirement_or_path)
    if base.endswith((".tar.gz", ".zip", ".whl", ".tar.bz2")):
        return base.split("-")[0]
    return re.split(r"[\s\[<>=!~;@(]", requirement_or_path, maxsplit=1)[0]
