"""One build, phase by phase: inputs checked before any work (requirements files, groups, lock);
the app's wheel built while the closure's resolution starts from static metadata; the resolution
confirmed (or redone) against the wheel's real metadata; the dependencies' wheels fetched and
built `jobs` at a time; the check; the handoff."""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
from urllib.parse import unquote, urlsplit
from urllib.request import pathname2url
from dataclasses import dataclass
from typing import Dict, List, Optional

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from . import locks
from .app import build_app
from .buildenv import BuildEnvs
from .pep517 import environment_satisfies
from .closure import Closure, Dist
from .deps import DepsBuilder
from .events import HelperError, emit
from .fetch import Fetcher
from .groups import normalised_groups
from .handoff import Candidate, check_sets, hand_off
from .process import ProcessRunner
from .pyproject import TomlError, dependency_groups_table, read_pyproject, static_metadata
from .reproducible import reproducible_environment
from .request import BuildRequest
from .requirements import PipOptions, RequirementsFile, RequirementsParser
from .resolve import Item, Resolver
from .sdist import SdistBuilder
from .wheelfile import sha256_file
from .sets import AppFacts, build_sets, pip_roots


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
        self.threads = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="phase")
        self.deps: Optional[DepsBuilder] = None

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
        inputs = self.read_inputs()
        index_args = inputs.options.arguments()
        envs = self.given_envs
        if envs is None or envs.index_args != _index_only(inputs.options):
            envs = BuildEnvs(request.cache, _index_only(inputs.options), self.runner, self.env,
                             request.fresh_build_env)
        envs.satisfies = environment_satisfies
        self.hash_tables = self._hash_policy(inputs)
        sdists = SdistBuilder(request.work, request.cache, envs, self.env, self.runner, request.source_date_epoch,
                              json.dumps(index_args))
        self.sdists = sdists
        self.resolver = Resolver(self.runner, self.env, request.work, index_args, sdists.prebuilt_dir)
        fetcher = Fetcher(request.cache, request.work, self.env)
        self.deps = DepsBuilder(request.jobs, self.runner, fetcher, sdists, os.path.join(request.work, "deps"),
                                self._allowed)
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
        app_future = self.threads.submit(build_app, request.source, app_dir, request.expect_name, envs, app_env,
                                         self.runner)
        early = None
        if not request.app_only:
            early = self.threads.submit(self._early_start, inputs)
        try:
            app = app_future.result()
        except BaseException:
            self.runner.cancel()
            raise
        self._remember_metadata(app)
        emit("app", name=app.name, version=app.version, filename=app.filename, requires=list(app.requires),
             extras=list(app.extras), groups=sorted(normalised_groups(inputs.groups_table)))
        sets = build_sets(app, request.extras, inputs.groups_table, request.groups, inputs.requirement_files,
                          self.environment)
        app_candidate = Candidate(os.path.join(app_dir, app.filename), "app", "built")
        if request.app_only:
            emit("phase", phase="check")
            wheels = check_sets(app.name, [app_candidate], {}, self.environment)
            return self._hand_off(app, inputs, wheels)
        items = self._final_items(inputs, sets, early)
        assert self.deps is not None
        self.deps.submit(items)
        built = self.deps.wait(items)
        emit("phase", phase="check")
        candidates = [app_candidate] + [Candidate(w.path, "deps", w.origin) for w in built.values()]
        wheels = check_sets(app.name, candidates, sets, self.environment)
        return self._hand_off(app, inputs, wheels)

    def _hand_off(self, app: AppFacts, inputs: Inputs, wheels: List[Candidate]) -> dict:
        report = hand_off(self.request.out, self.request.work, app.name, app.extras,
                          sorted(normalised_groups(inputs.groups_table)), wheels)
        emit("done", wheels=len(report["wheels"]))
        return report

    # -- resolution ---------------------------------------------------------------------------------
    def _early_start(self, inputs: Inputs) -> Optional[tuple]:
        """(roots, items) resolved from static metadata while the app builds, their work already
        submitted; None when there is nothing static to start from. A failure is kept, not raised:
        the real roots may differ."""
        request = self.request
        try:
            if inputs.lock is not None:
                lock_items = self._resolve_lock(inputs)
            static = static_metadata(inputs.pyproject, request.static_requires) or self._last_metadata()
            if static is None:
                return ("lock", lock_items) if inputs.lock is not None else None
            requires, extras = static
            guess = AppFacts(canonicalize_name(request.expect_name or "-"), "", "", requires,
                             sorted({canonicalize_name(e) for e in extras}))
            try:
                sets = build_sets(guess, request.extras, inputs.groups_table, request.groups,
                                  inputs.requirement_files, self.environment)
            except HelperError:
                return ("lock", lock_items) if inputs.lock is not None else None
            if inputs.lock is not None:
                items = self._lock_closure(inputs, lock_items, sets, strict=False)
                roots = "lock"
            else:
                roots = pip_roots(sets)
                emit("phase", phase="resolve")
                items = self._resolve(roots, inputs.constraints)
            assert self.deps is not None
            self.deps.submit(items)
            return (roots, lock_items if inputs.lock is not None else items)
        except HelperError as error:
            return ("failed", error)

    def _metadata_file(self) -> str:
        name = canonicalize_name(self.request.expect_name or "unnamed")
        return os.path.join(self.request.cache, "app-metadata", name + ".json")

    def _last_metadata(self) -> Optional[tuple]:
        """The app's Requires-Dist and extras as the last build found them: the guess for an early
        start when the project's metadata is not static (a setup.py), confirmed like any guess."""
        try:
            with open(self._metadata_file(), encoding="utf-8") as handle:
                data = json.load(handle)
            return list(data["requires"]), list(data["extras"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _remember_metadata(self, app: AppFacts) -> None:
        path = self._metadata_file()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = path + ".tmp-%d" % os.getpid()
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({"requires": list(app.requires), "extras": list(app.extras)}, handle)
        os.replace(temporary, path)

    def _final_items(self, inputs: Inputs, sets: Dict[str, List[Requirement]],
                     early: Optional[concurrent.futures.Future]) -> List[Item]:
        started = early.result() if early is not None else None
        if started is not None and started[0] == "failed" and inputs.lock is not None:
            raise started[1]
        if inputs.lock is not None:
            lock_items = started[1] if started is not None else self._resolve_lock(inputs)
            locks.check_roots(self._locked, sets, inputs.lock.path)
            return self._lock_closure(inputs, lock_items, sets, strict=True)
        roots = pip_roots(sets)
        if started is not None and started[0] == roots:
            items = started[1]
        else:
            # No early start, or it guessed other roots (or failed on them): resolve the real ones.
            if started is not None and started[0] != "failed":
                emit("log", step="resolve", line="the wheel's metadata differs from the static guess: resolving again")
            emit("phase", phase="resolve")
            items = self._resolve(roots, inputs.constraints)
        self._check_hash_pinned(inputs, items, sets)
        return items

    def _resolve(self, roots: List[str], constraints: List[str]) -> List[Item]:
        items = self.resolver.resolve(roots, constraints)
        if self._forget_stale(items):
            items = self.resolver.resolve(roots, constraints)
        return items

    def _forget_stale(self, items: List[Item]) -> bool:
        """A prebuilt wheel whose local sdist now has other bytes (same version, re-made) is stale:
        forgotten, and the resolution redone. (pip's own wheel cache trusts a link the same way; a
        remote sdist is not re-downloaded to check.)"""
        stale = False
        for item in items:
            if item.kind != "prebuilt":
                continue
            path = unquote(urlsplit(item.url).path)
            source = self.sdists.prebuilt_source(path) or {}
            origin = urlsplit(source.get("url", ""))
            if origin.scheme == "file":
                sdist = unquote(origin.path)
                if os.path.isfile(sdist) and sha256_file(sdist) != source.get("sha256"):
                    self.sdists.forget_prebuilt(path)
                    stale = True
        return stale

    def _resolve_lock(self, inputs: Inputs) -> List[Item]:
        request = self.request
        assert inputs.lock is not None
        self._locked = locks.select(inputs.lock, [canonicalize_name(e) for e in request.extras],
                                    [canonicalize_name(g) for g in request.groups])
        hashed = all(p.hashes for p in self._locked)
        emit("phase", phase="resolve")
        # Exact pins (and every hash, when the lock has them all) with --no-deps: pip only finds the
        # files; the lock, not a resolver, decides what is in the set.
        prebuilt = self.sdists.prebuilt_by_sdist()
        lines = []
        for package in self._locked:
            # pip's hash mode would refuse a wheel built here from the locked sdist: name it directly
            # (by its own hash); the deps step checks its sdist's hash against the lock's.
            wheel = next((prebuilt[h[len("sha256:"):]] for h in package.hashes if h[len("sha256:"):] in prebuilt), None)
            if wheel is not None and package.url is None and os.path.basename(wheel).startswith(
                    "%s-%s-" % (package.name.replace("-", "_"), package.version)):
                line = "%s @ file://%s" % (package.name, pathname2url(wheel))
                lines.append(line + (" --hash=sha256:" + sha256_file(wheel) if hashed else ""))
            else:
                lines.append(package.pip_line(hashed))
        items = self.resolver.resolve(lines, no_deps=True, offer_prebuilt=False)
        locked = {p.name: p for p in self._locked}
        for item in items:
            package = locked.get(item.name)
            if package is not None and package.url is None and package.version and item.version != package.version:
                raise HelperError("lock-mismatch", file=inputs.lock.path, entry=package.entry,
                                  reason="the index gave %s, not the locked version" % item.version)
        return items

    def _lock_closure(self, inputs: Inputs, items: List[Item], sets: Dict[str, List[Requirement]],
                      strict: bool) -> List[Item]:
        """The locked items the requested sets reach; a requirement the lock cannot satisfy is a mismatch."""
        assert inputs.lock is not None
        closure = Closure({i.name: Dist(i.name, i.version, i.requires) for i in items}, self.environment)
        reached = set()
        for set_name, roots in sets.items():
            names, missing = closure.walk(set_name, roots)
            if missing and strict:
                first = missing[0]
                raise HelperError("lock-mismatch", file=inputs.lock.path, set=first.set, requirement=first.requirement,
                                  entry=None, locked=first.found, needed_by=first.needed_by,
                                  reason="no locked package satisfies this requirement")
            reached |= names
        return [i for i in items if i.name in reached]

    # -- hashes ---------------------------------------------------------------------------------------
    def _hash_policy(self, inputs: Inputs) -> Dict[str, tuple]:
        table: Dict[str, tuple] = {}
        for parsed in inputs.requirement_files:
            if parsed.require_hashes:
                for name, hashes in parsed.allowed_hashes().items():
                    table[name] = (hashes, "requirements", parsed.path)
        if inputs.lock is not None:
            for name, hashes in locks.hash_table(inputs.lock.packages).items():
                table[name] = (hashes, "lock-mismatch", inputs.lock.path)
        return table

    def _allowed(self, name: str) -> Optional[tuple]:
        return self.hash_tables.get(name)

    def _check_hash_pinned(self, inputs: Inputs, items: List[Item], sets: Dict[str, List[Requirement]]) -> None:
        """pip's --require-hashes rule for a hash-pinned file: everything its set needs is pinned in it."""
        closure = Closure({i.name: Dist(i.name, i.version, i.requires) for i in items}, self.environment)
        for parsed in inputs.requirement_files:
            if not parsed.require_hashes:
                continue
            set_name = "requirements:" + parsed.path
            pinned = {canonicalize_name(line.requirement.name) for line in parsed.requirements}
            reached, _missing = closure.walk(set_name, sets.get(set_name, []))
            unpinned = sorted(reached - pinned)
            if unpinned:
                raise HelperError("requirements", file=parsed.path, line=None, packages=unpinned,
                                  reason="%s needed by this hash-pinned file but not pinned in it with a hash "
                                         "(pip's --require-hashes rule)" % ", ".join(unpinned))

    # -- folders ----------------------------------------------------------------------------------------
    def _prepare_folders(self) -> None:
        request = self.request
        os.makedirs(request.out, exist_ok=True)
        if os.listdir(request.out):
            raise HelperError("request", field="out", reason="the handoff folder must be empty at the start")
        for name in ("app", "deps", "resolve", "build", "wheels", "downloads"):
            shutil.rmtree(os.path.join(request.work, name), ignore_errors=True)
        os.makedirs(request.work, exist_ok=True)


def _index_only(options: PipOptions) -> List[str]:
    """The index options a build environment's pip needs (not --pre or binary choices of the app's set)."""
    only = PipOptions(options.index_url, options.extra_index_urls, options.find_links, options.no_index,
                      trusted_hosts=options.trusted_hosts)
    return only.arguments()

