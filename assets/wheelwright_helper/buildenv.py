"""Cached build environments: a venv (without pip; the outer pip installs into it with --python)
holding a set of build requirements, keyed by the interpreter, the requirements and the index
settings. Made in a temporary folder and renamed into place; shared by every build (the app's and
each sdist's) that needs the same requirements, so a warm build installs nothing. Only stdlib: the
app's environment is made while the helper environment is (both are on the cold path)."""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import shutil
import sys
import sysconfig
import threading
import uuid
from typing import Callable, Dict, List, Optional, Sequence

from .pip import pip_command
from .process import ProcessResult, ProcessRunner

COMPLETE = ".complete"


class BuildEnvFailure(Exception):
    def __init__(self, result: ProcessResult, requirements: Sequence[str]) -> None:
        super().__init__("installing build requirements failed")
        self.result = result
        self.requirements = list(requirements)


class Making:
    """An environment being made: its venv's temporary folder once that exists (pip fills it next),
    then the folder it was renamed to, or the failure. Lets a resolution start under it early
    (gated_env.GatedPython) instead of waiting for the whole install."""

    def __init__(self) -> None:
        self.temporary: Optional[str] = None
        self._venv = threading.Event()
        self.finished: "concurrent.futures.Future[str]" = concurrent.futures.Future()

    def venv_made(self, temporary: Optional[str]) -> None:
        self.temporary = temporary
        self._venv.set()

    def wait_for_venv(self) -> Optional[str]:
        """The temporary folder once its venv exists; None when making it failed."""
        self._venv.wait()
        return self.temporary


# What build's ProjectBuilder (and pip) use for a project without [build-system].
DEFAULT_REQUIRES = ["setuptools >= 40.8.0"]


def _key_form(requirements: Sequence[str]) -> List[str]:
    """Requirements as the cache key sees them: "setuptools >= 40.8.0" and "setuptools>=40.8.0" are one."""
    return sorted({"".join(r.split()) for r in requirements})


def build_system_requires(source: str) -> Optional[List[str]]:
    """The app's build requirements read with the stdlib alone (Python 3.11+), for making its build
    environment before the helper environment exists; None where that cannot be known yet."""
    try:
        import tomllib
    except ImportError:
        return None
    path = os.path.join(source, "pyproject.toml")
    try:
        with open(path, "rb") as handle:
            table = tomllib.load(handle).get("build-system")
    except FileNotFoundError:
        return list(DEFAULT_REQUIRES)
    except (OSError, ValueError):
        return None
    if table is None:
        return list(DEFAULT_REQUIRES)
    requires = table.get("requires") if isinstance(table, dict) else None
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        return None  # build will say what is wrong
    return requires


def environment_satisfies(folder: str, requirements) -> bool:
    """Whether the venv at `folder` holds a distribution meeting each requirement (markers judged by
    this interpreter, which is the venv's too)."""
    import glob
    import importlib.metadata

    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    site = glob.glob(os.path.join(folder, "lib", "python*", "site-packages"))
    installed = {canonicalize_name(d.metadata["Name"] or ""): d.version
                 for d in importlib.metadata.distributions(path=site)}
    for text in requirements:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            return False
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        version = installed.get(canonicalize_name(requirement.name))
        if version is None or requirement.url or not requirement.specifier.contains(version, prereleases=True):
            return False
    return True


class BuildEnvs:
    def __init__(self, cache: str, index_args: Sequence[str], runner: ProcessRunner, env: Dict[str, str],
                 fresh: bool = False) -> None:
        self.root = os.path.join(cache, "build-envs")
        self.index_args = list(index_args)
        self.runner = runner
        self.env = env
        self.fresh = fresh
        self._locks: Dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._renewed: set = set()
        self._making: Dict[str, Making] = {}  # by final folder, while _make runs
        # Set once `packaging` is importable: tells whether a made environment already satisfies a
        # list of requirements, so one environment serves every build it can (the app's and most
        # setuptools sdists share one), instead of one per distinct spelling of the same needs.
        self.satisfies: Optional[Callable[[str, Sequence[str]], bool]] = None

    def key(self, requirements: Sequence[str]) -> str:
        identity = self._identity() + [_key_form(requirements)]
        return hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:24]

    def python(self, requirements: Sequence[str], step: str, package: str = "") -> str:
        """The interpreter of an environment holding `requirements`, made now if needed."""
        ready = self.ready_python(requirements)
        if ready is not None:
            return ready
        key = self.key(requirements)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # two sdists with the same build requirements wait for one environment
            folder = os.path.join(self.root, key)
            if self.fresh and key not in self._renewed:
                self._renewed.add(key)
                self._discard(folder)
            if not os.path.exists(os.path.join(folder, COMPLETE)):
                self._make(folder, sorted(set(requirements)), step, package)
            return os.path.join(folder, "bin", "python")

    def ready_python(self, requirements: Sequence[str]) -> Optional[str]:
        """The interpreter of a complete environment holding `requirements`, without waiting or making
        one; None when python() would have to (or would wait for another thread that does)."""
        reusable = self._reusable(requirements)
        if reusable is not None:
            return os.path.join(reusable, "bin", "python")
        key = self.key(requirements)
        folder = os.path.join(self.root, key)
        if (self.fresh and key not in self._renewed) or not os.path.exists(os.path.join(folder, COMPLETE)):
            return None
        return os.path.join(folder, "bin", "python")

    def in_the_making(self, requirements: Sequence[str]) -> Optional[Making]:
        """The environment for `requirements` another thread is making now, if one is."""
        with self._guard:
            return self._making.get(os.path.join(self.root, self.key(requirements)))

    def _reusable(self, requirements: Sequence[str]) -> Optional[str]:
        """A complete environment of this interpreter and index settings that satisfies `requirements`
        (not one to be made anew by --force before it was renewed in this run)."""
        if self.satisfies is None or not os.path.isdir(self.root):
            return None
        for name in sorted(os.listdir(self.root)):
            folder = os.path.join(self.root, name)
            marker = os.path.join(folder, COMPLETE)
            if "." in name or not os.path.exists(marker) or (self.fresh and name not in self._renewed):
                continue
            try:
                with open(marker, encoding="utf-8") as handle:
                    identity = json.loads(handle.readline())
            except (OSError, ValueError):
                continue
            if identity == self._identity() and self.satisfies(folder, requirements):
                return folder
        return None

    def _identity(self) -> list:
        return [sys.implementation.name, sys.version, sysconfig.get_platform(), sys.base_prefix, self.index_args]

    def _discard(self, folder: str) -> None:
        if os.path.isdir(folder):
            trash = "%s.old-%s" % (folder, uuid.uuid4().hex[:8])
            os.rename(folder, trash)  # out of the way at once; deleting may take a while
            shutil.rmtree(trash, ignore_errors=True)

    def _make(self, folder: str, requirements: List[str], step: str, package: str) -> None:
        os.makedirs(self.root, exist_ok=True)
        temporary = "%s.tmp-%d-%s" % (folder, os.getpid(), uuid.uuid4().hex[:8])
        making = Making()
        with self._guard:
            self._making[folder] = making
        try:
            result = self.runner.run([sys.executable, "-m", "venv", "--without-pip", temporary], step,
                                     env=self.env, package=package or None)
            if not result.ok:
                raise BuildEnvFailure(result, requirements)
            making.venv_made(temporary)
            if requirements:
                argv = pip_command(acting_on=os.path.join(temporary, "bin", "python")) + [
                    "install", "--prefer-binary", "--no-warn-script-location"] + self.index_args + requirements
                result = self.runner.run(argv, step, env=self.env, package=package or None)
                if not result.ok:
                    raise BuildEnvFailure(result, requirements)
            with open(os.path.join(temporary, COMPLETE), "w", encoding="utf-8") as handle:
                handle.write(json.dumps(self._identity()) + "\n" + "\n".join(requirements) + "\n")
            try:
                os.rename(temporary, folder)
            except OSError:
                if not os.path.exists(os.path.join(folder, COMPLETE)):
                    raise  # another run made it first otherwise
            making.finished.set_result(folder)
        except BaseException as error:
            making.finished.set_exception(error)
            raise
        finally:
            if making.temporary is None:
                making.venv_made(None)  # no venv: nobody waits for one
            with self._guard:
                self._making.pop(folder, None)
            shutil.rmtree(temporary, ignore_errors=True)
