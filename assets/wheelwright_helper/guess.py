"""The early start's guess when the project's metadata is not static (a setup.py): the app's
Requires-Dist and extras as the last build found them, kept in the cache. Confirmed like any guess."""

from __future__ import annotations

import json
import os
from typing import List, Optional, Sequence, Tuple


def _file(cache: str, name: str) -> str:
    return os.path.join(cache, "app-metadata", name + ".json")


def last_metadata(cache: str, name: str) -> Optional[Tuple[List[str], List[str]]]:
    try:
        with open(_file(cache, name), encoding="utf-8") as handle:
            data = json.load(handle)
        return list(data["requires"]), list(data["extras"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember_metadata(cache: str, name: str, requires: Sequence[str], extras: Sequence[str]) -> None:
    path = _file(cache, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = path + ".tmp-%d" % os.getpid()
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump({"requires": list(requires), "extras": list(extras)}, handle)
    os.replace(temporary, path)
