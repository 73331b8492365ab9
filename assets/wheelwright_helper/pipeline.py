"""One build, phase by phase: inputs checked before any work (requirements files, groups, lock);
the app's wheel built while the closure's resolution starts from static metadata; the resolution
confirmed (or redone) against the wheel's real metadata; the dependencies' wheels fetched and
built `jobs` at a time; the check; the handoff."""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
from dataclasses import dataclass
from typing import Dict, List, Optional, Union
from urllib.parse import urlsplit
from urllib.request import url2pathname

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from . import locks
from .app import build_app
from .requires_memo import RequiresMemo
from .buildenv import BuildEnvs, environment_satisfies
from .deps import DepsBuilder
from .early_env import GatedPython, early_build_python
from .events import HelperError, emit
from .fetch import Fetcher
from .groups import normalised_groups
from .guess import last_metadata, remember_metadata
from .handoff import Candidate, check_sets, hand_off, host_file_hint
from .hashes import check_hash_pinned, hash_policy
from .locked import lock_closure, resolve_locked
from .pip_options import PipOptions
from .process import ProcessRunner
from .pyproject import TomlError, dependency_groups_table, read_pyproject, static_metadata
from .reproducible import normalise_modes, reproducible_environment
from .request import BuildRequest
from .requirements import RequirementsFile, RequirementsParser
from .resolve import GateClosed, Item, Resolver
from .sdist import SdistBuilder
from .sets import AppFacts, build_sets, name_direct_owner, pip_roots, without_the_app

# 1980-01-01T00:00:00Z: the earliest time a zip file can hold.
DEPENDENCY_SOURCE_DATE_EPOCH = 315532800


@dataclass
class Inputs:
    """What the build reads before building anything; every problem in it fails the build at once."""
    pyproject: dict
    groups_table: dict
    requirement_files: List[RequirementsFile]
    options: PipOptions
    constraints: List[str]
    lock: Optional[locks.Lock]


class Build:
    def __init__(self, request: BuildRequest, runner: ProcessRunner, env: Dict[str, str],
                 envs: Optional[BuildEnvs] = None) -> None:
        self.request = request
        self.given_envs = envs  # the one the app's environment may be being made in already
        self.runner = runner
        self.env = env
        self.environment = dict(default_environment())
        self.app_python: Optional[str] = None
        self.threads = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="phase")
        self.deps: Optional[DepsBuilder] = None
        self._lock_roots: Optional[frozenset] = None  # what the lock walk started from (poetry.lock)

    # -- inputs ---------------------------------------------------------------------------------
    def read_inputs(self) -> Inputs:
        request = self.request
        try:
            pyproject = read_pyproject(request.source)
        except TomlError as error:
            raise HelperError("app-build", phase="metadata", tail=[str(error)]) from None
        groups_table = dependency_groups_table(pyproject)
        parser = RequirementsParser(request.source, self.env)
        files = [parser.parse(path) for path in request.requirements]
        options = PipOptions(request.index.index_url, list(request.index.extra_index_urls),
                             list(request.index.find_links), request.index.no_index)
        for parsed in files:
            options.merge(parsed.options)
        constraints = sorted({str(line.requirement) for f in files for line in f.constraints})
        lock = None
        if request.lock is not None:
            lock = locks.read_lock(request.source, request.lock.path, request.lock.format, request.expect_name,
                                   self.env)
            if lock.format == "requirements":
                for_lock = RequirementsParser(request.source, self.env).parse(request.lock.path)
                options.merge(for_lock.options)
        # Groups are known before the wheel is: an unknown one fails now, not after a build.
        unknown = sorted({canonicalize_name(g) for g in request.groups} - set(normalised_groups(groups_table)))
        if unknown:
            raise HelperError("unknown-extra", extras=[], groups=unknown, available=[],
                              available_groups=sorted(normalised_groups(groups_table)))
        return Inputs(pyproject, groups_table, files, options, constraints, lock)

    # -- the run ----------------------------------------------------------------------------------
    def run(self) -> dict:
        request = self.request
        self._prepare_folders()
        # The source copy carries the host checkout's modes (a umask 077 clone: 0600 files); the
        # wheel must not (see normalise_modes).
        normalise_modes(request.source)
        inputs = self.read_inputs()
        index_args = inputs.options.arguments()
        envs = self.given_envs
        if envs is None or envs.index_args != _index_only(inputs.options):
            envs = BuildEnvs(request.cache, _index_only(inputs.options), self.runner, self.env,
                             request.fresh_build_env)
        envs.satisfies = environment_satisfies
        self.envs = envs
        self.hash_tables = hash_policy(inputs.requirement_files, inputs.lock)
        # Dependencies are built with a fixed SOURCE_DATE_EPOCH, not the app's commit time: their wheels
        # are reused across commits, so a cold build at any commit must give the same bytes.
        sdists = SdistBuilder(request.work, request.cache, envs, self.env, self.runner,
                              DEPENDENCY_SOURCE_DATE_EPOCH, json.dumps(index_args), request.sdist_wheels)
        self.sdists = sdists
        self.resolver = Resolver(self.runner, self.env, request.work, index_args, sdists.prebuilt_dir)
        fetcher = Fetcher(request.cache, request.work, self.env)
        self.deps = DepsBuilder(request.jobs, self.runner, fetcher, sdists, os.path.join(request.work, "deps"),
                                self.hash_tables.get, self._hint_host_file)
        try:
            return self._run(inputs, envs)
        except BaseException:
            self.runner.cancel()  # stop whatever still runs (the early start, other builds)
            raise
        finally:
            self.deps.close()
            self.threads.shutdown(wait=True)

    def _run(self, inputs: Inputs, envs: BuildEnvs) -> dict:
        request = self.request
        emit("phase", phase="app")
        app_env = reproducible_environment(self.env, request.source, request.cache, request.source_date_epoch)
        app_dir = os.path.join(request.work, "app")
        # App-only: the host found the spec and the builder unchanged, so the backend's dynamic build
        # requirements are the ones kept last time (requires_memo); other builds ask it again.
        memo = RequiresMemo(request.cache, request.source, reuse=request.app_only)
        app_future = self.threads.submit(build_app, request.source, app_dir, request.expect_name, envs, app_env,
                                         self.runner, memo)
        early = None
        if not request.app_only:
            early = self.threads.submit(self._early_start, inputs)
        try:
            app, app_python = app_future.result()
        except BaseException:
            self.runner.cancel()
            raise
        # Most sdists build with setuptools: an app environment that has it can prepare their
        # metadata without a fresh environment each (see Resolver.resolve); one that has not would
        # only make the isolated resolution run second.
        if environment_satisfies(os.path.dirname(os.path.dirname(app_python)), ["setuptools"]):
            self.app_python = app_python
        remember_metadata(self.request.cache, self._metadata_name(), app.requires, app.extras)
        emit("app", name=app.name, version=app.version, filename=app.filename, requires=list(app.requires),
             extras=list(app.extras), groups=sorted(normalised_groups(inputs.groups_table)))
        sets = build_sets(app, request.extras, inputs.groups_table, request.groups, inputs.requirement_files,
                          self.environment)
        app_candidate = Candidate(os.path.join(app_dir, app.filename), "app", "built")
        if request.app_only:
            emit("phase", phase="check")
            wheels = check_sets(app.name, [app_candidate], {}, self.environment)
            return self._hand_off(app, inputs, wheels)
        items = without_the_app(self._final_items(inputs, sets, early), app)
        assert self.deps is not None
        self.deps.submit(items)
        built = self.deps.wait(items)
        emit("phase", phase="check")
        candidates = [app_candidate] + [
            # A fetched wheel's sha256 was checked against pip's report as it was fetched: not hashed again.
            Candidate(w.path, "deps", w.origin, sdist=self._sdist_of(w), cached=w.cached,
                      sha256=w.item.sha256 if w.origin == "fetched" else None, source=_local_file(w.item.url))
            for w in built.values()
        ]
        wheels = check_sets(app.name, candidates, sets, self.environment)
        return self._hand_off(app, inputs, wheels)

    def _hint_host_file(self, item) -> None:
        """Tells the host, as soon as it is fetched, of a wheel that is a copy of its own file (one the
        handoff will list `at` its path, not hand over): the host reads and checks its copy while the
        rest builds. Only a hint: the report decides, and the host checks the path either way."""
        at = host_file_hint(_local_file(item.url), item.sha256, self.request.host_folders,
                            self.request.host_wheels)
        if at is not None:
            emit("host-file", at=at)

    def _sdist_of(self, wheel) -> Optional[Dict[str, str]]:
        """The sdist a dependency's wheel was built from, as {name, sha256}; None for a fetched wheel."""
        if wheel.origin != "built":
            return None
        item = wheel.item
        local = url2pathname(urlsplit(item.url).path)
        source = self.sdists.prebuilt_source(local) if item.kind == "prebuilt" else None
        url = (source or {}).get("url") or item.url
        sha256 = (source or {}).get("sha256") or item.sha256
        parts = urlsplit(url)
        name = os.path.basename(url2pathname(parts.path))
        if not sha256 or not name.endswith((".tar.gz", ".zip", ".tar.bz2")):
            return None
        # A local file is named by its path; an index's by its URL (never with credentials: netrc holds them).
        where = {"path": url2pathname(parts.path)} if parts.scheme == "file" else {"url": parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]).geturl()}
        return {"name": name, "sha256": sha256, **where}

    def _hand_off(self, app: AppFacts, inputs: Inputs, wheels: List[Candidate]) -> dict:
        report = hand_off(self.request.out, self.request.work, app.name, app.extras,
                          sorted(normalised_groups(inputs.groups_table)), wheels, self.request.host_wheels,
                          self.request.host_folders)
        emit("done", wheels=len(report["wheels"]))
        return report

    # -- resolution ---------------------------------------------------------------------------------
    def _early_start(self, inputs: Inputs) -> Optional[tuple]:
        """(roots, items) resolved from static metadata while the app builds, their work already
        submitted; None when there is nothing static to start from. A failure is kept, not raised:
        the real roots may differ."""
        request = self.request
        try:
            static = static_metadata(inputs.pyproject, request.static_requires) or last_metadata(
                request.cache, self._metadata_name())
            sets = None
            if static is not None:
                requires, extras = static
                guess = AppFacts(canonicalize_name(request.expect_name or "-"), "", "", requires,
                                 sorted({canonicalize_name(e) for e in extras}))
                try:
                    sets = build_sets(guess, request.extras, inputs.groups_table, request.groups,
                                      inputs.requirement_files, self.environment)
                except HelperError:
                    sets = None
            if inputs.lock is not None:
                lock_items = self._resolve_lock(inputs, sets)
            if sets is None:
                return ("lock", lock_items) if inputs.lock is not None else None
            if inputs.lock is not None:
                items = lock_closure(inputs.lock.path, lock_items, sets, self.environment, strict=False)
                roots = "lock"
            else:
                roots = pip_roots(sets)
                emit("phase", phase="resolve")
                link = os.path.join(request.work, "resolve", "app-env")
                build_python = early_build_python(self.envs, request.source, link)
                items = self._resolve(roots, inputs.constraints, build_python)
            assert self.deps is not None
            self.deps.submit(items)
            return (roots, lock_items if inputs.lock is not None else items)
        except HelperError as error:
            return ("failed", error)

    def _final_items(self, inputs: Inputs, sets: Dict[str, List[Requirement]],
                     early: Optional[concurrent.futures.Future]) -> List[Item]:
        started = early.result() if early is not None else None
        if started is not None and started[0] == "failed" and inputs.lock is not None:
            raise started[1]
        if inputs.lock is not None:
            if started is not None and _walk_roots(inputs.lock, sets) == self._lock_roots:
                lock_items = started[1]
            else:
                # The lock's walk started from other roots than the wheel's (or none): walk again.
                lock_items = self._resolve_lock(inputs, sets)
            locks.check_roots(self._locked, sets, inputs.lock.path)
            return lock_closure(inputs.lock.path, lock_items, sets, self.environment, strict=True)
        roots = pip_roots(sets)
        if started is not None and started[0] == roots:
            items = started[1]
        else:
            # No early start, or it guessed other roots (or failed on them): resolve the real ones.
            if started is not None and started[0] != "failed":
                emit("log", step="resolve", line="the wheel's metadata differs from the static guess: resolving again")
            emit("phase", phase="resolve")
            try:
                items = self._resolve(roots, inputs.constraints)
            except HelperError as error:
                name_direct_owner(error, sets)
                raise
        check_hash_pinned(inputs.requirement_files, items, sets, self.environment)
        return items

    def _resolve(self, roots: List[str], constraints: List[str],
                 build_python: Union[str, GatedPython, None] = None) -> List[Item]:
        items = self._resolve_once(roots, constraints, build_python)
        if self.sdists.forget_stale(items):
            items = self._resolve_once(roots, constraints, build_python)
        return items

    def _resolve_once(self, roots: List[str], constraints: List[str],
                      build_python: Union[str, GatedPython, None] = None) -> List[Item]:
        python = self.app_python or build_python
        if isinstance(python, GatedPython):
            gate = python.take()
            if gate is not None:
                try:
                    return self._under_build_env(roots, constraints, gate=gate)
                except GateClosed:
                    emit("log", step="resolve", line="resolving again once the build environment is made")
            python = python.settled()
        if python is not None:
            return self._under_build_env(roots, constraints, build_python=python)
        return self.resolver.resolve(roots, constraints)

    def _under_build_env(self, roots: List[str], constraints: List[str], **how) -> List[Item]:
        """A resolution under a build environment (`build_python`, or `gate` while it is made). An
        sdist needing build requirements it lacks (or anything else going wrong) makes it resolve
        again the isolated way, which decides, and reports its own failure. GateClosed passes."""
        try:
            return self.resolver.resolve(roots, constraints, **how)
        except HelperError:
            emit("log", step="resolve", line="resolving again with build isolation")
        return self.resolver.resolve(roots, constraints)

    def _resolve_lock(self, inputs: Inputs, sets: Optional[Dict[str, List[Requirement]]]) -> List[Item]:
        assert inputs.lock is not None
        self._lock_roots = _walk_roots(inputs.lock, sets)
        roots = None if self._lock_roots is None else [r for rs in (sets or {}).values() for r in rs]
        self._locked, items = resolve_locked(self.resolver, self.sdists, inputs.lock,
                                             [canonicalize_name(e) for e in self.request.extras],
                                             [canonicalize_name(g) for g in self.request.groups],
                                             roots, self.environment)
        return items

    def _metadata_name(self) -> str:
        return canonicalize_name(self.request.expect_name or "unnamed")

    # -- folders ----------------------------------------------------------------------------------------
    def _prepare_folders(self) -> None:
        request = self.request
        os.makedirs(request.out, exist_ok=True)
        if os.listdir(request.out):
            raise HelperError("request", field="out", reason="the handoff folder must be empty at the start")
        for name in ("app", "deps", "resolve", "build", "wheels", "downloads"):
            shutil.rmtree(os.path.join(request.work, name), ignore_errors=True)
        os.makedirs(request.work, exist_ok=True)


def _local_file(url: str) -> Optional[str]:
    parts = urlsplit(url)
    return url2pathname(parts.path) if parts.scheme == "file" else None


def _walk_roots(lock: locks.Lock, sets: Optional[Dict[str, List[Requirement]]]) -> Optional[frozenset]:
    """What the lock's walk starts from among the declared roots: each one's name and extras (their
    specifiers do not change the walk); None when the declared roots do not matter to it (uv.lock
    records the project's own edges; a flat lock is not walked) or are not known yet."""
    if sets is None or not lock.graph or lock.root is not None:
        return None
    return frozenset((canonicalize_name(r.name), tuple(sorted(r.extras))) for rs in sets.values() for r in rs)


def _index_only(options: PipOptions) -> List[str]:
    """The index options a build environment's pip needs (not --pre or binary choices of the app's set)."""
    only = PipOptions(options.index_url, options.extra_index_urls, options.find_links, options.no_index,
                      trusted_hosts=options.trusted_hosts)
    return only.arguments()

