"""Building a dependency's wheel from its sdist, reproducibly: unpacked (safely, with fixed file
modes) into `<work>/build/<name>-<version>`, built there under the reproducible environment, and
kept in a cache of built wheels keyed by the sdist's sha256 and everything else that shapes the
wheel, so a warm build compiles nothing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import sysconfig
import uuid
from typing import Dict, Optional, Tuple
from urllib.parse import unquote, urlsplit

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from . import __version__
from .archive import unpack
from .buildenv import BuildEnvs
from .pep517 import build_wheel
from .process import ProcessRunner
from .reproducible import build_folder, reproducible_environment
from .wheelfile import InvalidWheel, read_wheel, sha256_file


class SdistBuilder:
    def __init__(self, work: str, cache: str, envs: BuildEnvs, base_env: Dict[str, str], runner: ProcessRunner,
                 source_date_epoch: Optional[int], identity: str,
                 registry_wheels: Optional[Dict[str, str]] = None) -> None:
        self.work = work
        self.cache = cache
        self.envs = envs
        self.base_env = base_env
        self.runner = runner
        self.source_date_epoch = source_date_epoch
        self.identity = identity  # index settings and build options: part of the cache key
        # sdist sha256 -> a wheel the host pulled from the registry wheel cache and verified: built by
        # a builder of this identity from exactly that sdist (issue 13). Read-only here.
        self.registry_wheels = dict(registry_wheels or {})

    def _settings(self) -> list:
        """Everything besides the sdist that shapes a built wheel."""
        # The platform too: one cache volume may serve builders of two architectures (an emulated one).
        return [__version__, sys.implementation.cache_tag, sys.version, sysconfig.get_platform(), sys.base_prefix,
                self.source_date_epoch,
                self.identity, self.base_env.get("CFLAGS", ""), self.base_env.get("LDFLAGS", "")]

    def cache_key(self, sdist_sha256: str) -> str:
        return hashlib.sha256(json.dumps([sdist_sha256] + self._settings()).encode()).hexdigest()[:32]

    @property
    def prebuilt_dir(self) -> str:
        """One flat folder of the wheels built under these settings, for pip's find-links."""
        key = hashlib.sha256(json.dumps(self._settings()).encode()).hexdigest()[:24]
        return os.path.join(self.cache, "prebuilt", key)

    def prebuilt_source(self, wheel_path: str) -> Optional[dict]:
        """{url, sha256} of the sdist a prebuilt wheel was built from."""
        try:
            with open(wheel_path + ".source.json", encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return None

    def prebuilt_by_sdist(self) -> Dict[str, str]:
        """sdist sha256 -> the prebuilt wheel built from it (for a lock, whose hashes name sdists)."""
        found: Dict[str, str] = {}
        folder = self.prebuilt_dir
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if name.endswith(".whl") and os.path.exists(os.path.join(folder, name + ".source.json")):
                source = self.prebuilt_source(os.path.join(folder, name)) or {}
                if isinstance(source.get("sha256"), str):
                    found[source["sha256"]] = os.path.join(folder, name)
        return found

    def forget_stale(self, items) -> bool:
        """Forgets prebuilt wheels whose local sdist now has other bytes (same version, re-made);
        True if any was, so the resolution is redone. (pip's own wheel cache trusts a link the same
        way; a remote sdist is not downloaded again to check.)"""
        stale = False
        for item in items:
            if item.kind != "prebuilt":
                continue
            path = unquote(urlsplit(item.url).path)
            origin = urlsplit((self.prebuilt_source(path) or {}).get("url", ""))
            if origin.scheme == "file":
                sdist = unquote(origin.path)
                if os.path.isfile(sdist) and sha256_file(sdist) != (self.prebuilt_source(path) or {}).get("sha256"):
                    self.forget_prebuilt(path)
                    stale = True
        return stale

    def forget_prebuilt(self, wheel_path: str) -> None:
        for path in (wheel_path, wheel_path + ".source.json"):
            try:
                os.remove(path)
            except OSError:
                pass

    def build(self, name: str, version: str, archive: str, sdist_sha256: str, out_dir: str,
              sdist_url: str = "") -> str:
        """The wheel built from `archive`, copied into out_dir; from a cache when it was built before."""
        return self.obtain_wheel(name, version, archive, sdist_sha256, out_dir, sdist_url)[0]

    def has_local(self, sdist_sha256: str) -> bool:
        return _single_wheel(os.path.join(self.cache, "built-wheels", self.cache_key(sdist_sha256))) is not None

    def registry_wheel(self, name: str, version: str, sdist_sha256: str) -> Optional[str]:
        """The registry cache's wheel for exactly this sdist, when it is a sound wheel of this name and
        version; None otherwise (the sdist is then compiled)."""
        path = self.registry_wheels.get(sdist_sha256)
        if path is None or not os.path.isfile(path):
            return None
        try:
            metadata = read_wheel(path)
        except InvalidWheel:
            return None
        if metadata.name != canonicalize_name(name) or _version(metadata.version) != _version(version):
            return None
        return path

    def obtain_wheel(self, name: str, version: str, archive: str, sdist_sha256: str, out_dir: str,
                     sdist_url: str = "") -> Tuple[str, str]:
        """(the wheel in out_dir, how it came): "local" (built here before), "registry" (the
        registry wheel cache's, handed in by the host) or "compiled"."""
        cached_dir = os.path.join(self.cache, "built-wheels", self.cache_key(sdist_sha256))
        cached = _single_wheel(cached_dir)
        if cached is not None:
            try:
                read_wheel(cached)
                if not os.path.exists(os.path.join(self.prebuilt_dir, os.path.basename(cached))):
                    self._offer(cached, sdist_url, sdist_sha256)
                return _copy(cached, out_dir), "local"
            except InvalidWheel:
                shutil.rmtree(cached_dir, ignore_errors=True)
        from_registry = self.registry_wheel(name, version, sdist_sha256)
        if from_registry is not None:
            # Kept like a wheel built here, so the next build needs neither the registry nor a compiler.
            self._store(from_registry, cached_dir)
            self._offer(from_registry, sdist_url, sdist_sha256)
            return _copy(from_registry, out_dir), "registry"
        folder = build_folder(self.work, name, version)
        shutil.rmtree(folder, ignore_errors=True)
        unpack(archive, folder)
        wheel_dir = os.path.join(self.work, "wheels", os.path.basename(folder))
        shutil.rmtree(wheel_dir, ignore_errors=True)
        env = reproducible_environment(self.base_env, folder, self.cache, self.source_date_epoch)
        wheel, _python = build_wheel(folder, wheel_dir, self.envs, env, self.runner, "deps", package=name)
        self._store(wheel, cached_dir)
        self._offer(wheel, sdist_url, sdist_sha256)
        return _copy(wheel, out_dir), "compiled"

    def _store(self, wheel: str, cached_dir: str) -> None:
        os.makedirs(os.path.dirname(cached_dir), exist_ok=True)
        temporary = "%s.tmp-%s" % (cached_dir, uuid.uuid4().hex[:8])
        os.makedirs(temporary)
        shutil.copyfile(wheel, os.path.join(temporary, os.path.basename(wheel)))
        try:
            os.rename(temporary, cached_dir)
        except OSError:
            shutil.rmtree(temporary, ignore_errors=True)


    def _offer(self, wheel: str, sdist_url: str, sdist_sha256: str) -> None:
        """Into the prebuilt folder: the source record first, then the wheel under its final name by
        an atomic rename, so pip never sees a half-copied wheel."""
        folder = self.prebuilt_dir
        os.makedirs(folder, exist_ok=True)
        target = os.path.join(folder, os.path.basename(wheel))
        with open(target + ".source.json", "w", encoding="utf-8") as handle:
            json.dump({"url": sdist_url, "sha256": sdist_sha256}, handle)
        temporary = os.path.join(folder, ".%s.tmp" % uuid.uuid4().hex[:8])
        shutil.copyfile(wheel, temporary)
        os.rename(temporary, target)


def _version(text: str) -> str:
    try:
        return str(Version(text))
    except InvalidVersion:
        return text


def _single_wheel(folder: str) -> Optional[str]:
    if not os.path.isdir(folder):
        return None
    wheels = [f for f in os.listdir(folder) if f.endswith(".whl")]
    return os.path.join(folder, wheels[0]) if len(wheels) == 1 else None


def _copy(path: str, folder: str) -> str:
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, os.path.basename(path))
    shutil.copyfile(path, target)
    return target
