"""PEP 735 dependency groups: `[dependency-groups]`, with `{include-group = "..."}` and cycles refused."""

from __future__ import annotations

from typing import Dict, List, Tuple

from packaging.utils import canonicalize_name

from .events import HelperError


def normalised_groups(table: Dict[str, list]) -> Dict[str, list]:
    return {canonicalize_name(name): items for name, items in table.items()}


def expand_group(table: Dict[str, list], name: str, _stack: Tuple[str, ...] = ()) -> List[str]:
    """The requirement strings of one group, included groups expanded in place."""
    groups = normalised_groups(table)
    key = canonicalize_name(name)
    if key in _stack:
        raise HelperError("group-cycle", group=key, chain=list(_stack) + [key])
    if key not in groups:
        raise HelperError("unknown-extra", extras=[], groups=[key], available=[], available_groups=sorted(groups))
    out: List[str] = []
    for item in groups[key]:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("include-group"), str):
            out += expand_group(table, item["include-group"], _stack + (key,))
        else:
            raise HelperError("requirements", file="pyproject.toml", line=None,
                              reason="dependency group %s holds %r, neither a requirement nor an include-group"
                                     % (key, item))
    return out
