"""poetry's dependency groups as PEP 735 groups: `[tool.poetry.group.<name>.dependencies]` and the
older `[tool.poetry.dev-dependencies]` (the `dev` group), each constraint written as a PEP 508
requirement, so `build -g dev` and `test` work on poetry projects as on PEP 735 ones.

Constraints follow poetry's documented syntax: `^1.2.3`, `~1.2`, `~=1.2`, `1.2.*`, `*`, a bare
version (exact), comparison lists (`>=1,<2`, `||` alternatives are refused: PEP 508 cannot say
them), and the table form with `version`, `extras`, `markers` and `python`.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional

from .events import HelperError


def _parts(version: str) -> List[int]:
    return [int(p) if p.isdigit() else 0 for p in version.split(".")]


def _caret(version: str) -> str:
    parts = _parts(version)
    # ^1.2.3 -> <2.0.0; ^0.2.3 -> <0.3.0; ^0.0.3 -> <0.0.4: the first non-zero part is the major one.
    index = next((i for i, p in enumerate(parts) if p != 0), len(parts) - 1)
    upper = parts[: index + 1]
    upper[index] += 1
    return ">=%s,<%s" % (version, ".".join(str(p) for p in upper))


def _tilde(version: str) -> str:
    parts = _parts(version)
    # ~1.2.3 -> <1.3.0; ~1.2 -> <1.3; ~1 -> <2
    keep = parts[:2] if len(parts) >= 2 else parts[:1]
    keep[-1] += 1
    return ">=%s,<%s" % (version, ".".join(str(p) for p in keep))


def constraint(text: str, group: str, name: str) -> str:
    """A poetry version constraint as a PEP 440 specifier ('' for any version)."""
    text = text.strip()
    if "||" in text:
        raise HelperError("requirements", file="pyproject.toml", line=None,
                          reason="poetry group %s: %s's constraint %r uses ||, which a requirement cannot say"
                                 % (group, name, text))
    if text in ("", "*"):
        return ""
    specs = []
    for piece in [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]:
        if piece.startswith("^"):
            specs.append(_caret(piece[1:]))
        elif piece.startswith("~") and not piece.startswith("~="):
            specs.append(_tilde(piece[1:]))
        elif piece[0].isdigit():
            specs.append("==" + piece)
        else:
            specs.append(piece)
    return ",".join(specs)


def requirement(name: str, spec, group: str) -> Optional[str]:
    """One poetry dependency as a PEP 508 requirement (None for `python` and path/git dependencies)."""
    if name.lower() == "python":
        return None
    if isinstance(spec, list):
        raise HelperError("requirements", file="pyproject.toml", line=None,
                          reason="poetry group %s: %s has several constraints (a list), which a requirement "
                                 "cannot say" % (group, name))
    if isinstance(spec, str):
        return name + constraint(spec, group, name)
    if not isinstance(spec, dict):
        return None
    if any(key in spec for key in ("path", "git", "url")):
        raise HelperError("requirements", file="pyproject.toml", line=None,
                          reason="poetry group %s: %s is a path, git or url dependency, not a package from "
                                 "the index" % (group, name))
    extras = "[%s]" % ",".join(spec["extras"]) if spec.get("extras") else ""
    markers = [spec["markers"]] if spec.get("markers") else []
    if spec.get("python"):
        python = constraint(str(spec["python"]), group, name)
        for piece in [p for p in python.split(",") if p]:
            operator, version = re.match(r"^(===|==|!=|<=|>=|<|>|~=)?(.+)$", piece).groups()
            markers.append('python_version %s "%s"' % (operator or "==", version))
    marker = " ; " + " and ".join("(%s)" % m for m in markers) if markers else ""
    return name + extras + constraint(str(spec.get("version", "*")), group, name) + marker


def poetry_groups(pyproject: dict) -> Dict[str, list]:
    """poetry's groups by name, as PEP 735 group tables (lists of requirement strings)."""
    poetry = (pyproject.get("tool") or {}).get("poetry") or {}
    tables = {name: (group or {}).get("dependencies") or {} for name, group in (poetry.get("group") or {}).items()}
    if isinstance(poetry.get("dev-dependencies"), dict):
        tables.setdefault("dev", {}).update(poetry["dev-dependencies"])
    groups = {}
    for group, table in tables.items():
        groups[group] = [r for r in (requirement(name, spec, group) for name, spec in table.items()) if r]
    return groups


def poetry_requires(pyproject: dict) -> Optional[tuple]:
    """(Requires-Dist, Provides-Extra) as poetry-core will write them, from `[tool.poetry.dependencies]`
    and `[tool.poetry.extras]`: a static guess for projects without `[project]` dependencies. None
    when there is nothing to guess from (or a dependency a requirement cannot say)."""
    poetry = (pyproject.get("tool") or {}).get("poetry") or {}
    table = poetry.get("dependencies")
    if not isinstance(table, dict):
        return None
    extras_table = poetry.get("extras") or {}
    try:
        requires = []
        optional = {}
        for name, spec in table.items():
            line = requirement(name, spec, "main")
            if line is None:
                continue
            if isinstance(spec, dict) and spec.get("optional"):
                optional[name.lower()] = line
            else:
                requires.append(line)
    except HelperError:
        return None
    extras = []
    for extra, members in sorted(extras_table.items()):
        extras.append(extra)
        for member in members:
            line = optional.get(str(member).lower())
            if line is None:
                continue
            requirement_part, _, marker = line.partition(" ; ")
            condition = 'extra == "%s"' % extra
            requires.append("%s ; %s" % (requirement_part, "(%s) and %s" % (marker, condition) if marker else condition))
    return requires, extras
