"""The dependencies' wheels, `jobs` at a time: each resolved item is fetched (a wheel) or fetched and
built (an sdist) by a pool of workers. Items can be added while earlier ones run (the early start
from static metadata, then whatever the wheel's real metadata adds). The first failure stops every
running process and names its package."""

from __future__ import annotations

import concurrent.futures
import threading
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, Optional, Sequence

from .archive import UnsafeArchive
from .events import HelperError, emit
from .fetch import Fetcher, FetchError, copy_into
from .pep517 import BackendFailure
from .process import Cancelled, ProcessRunner
from .resolve import Item
from .sdist import SdistBuilder


@dataclass(frozen=True)
class BuiltWheel:
    item: Item
    path: str
    # Taken from the registry wheel cache (the host handed it in) instead of compiled here.
    cached: bool = False

    @property
    def origin(self) -> str:
        return self.item.origin


# Where a hash that does not match comes from decides the error: a lock's, or a requirements file's.
HashPolicy = Callable[[str], Optional[tuple]]  # name -> (allowed hashes, error code, where) or None


class DepsBuilder:
    def __init__(self, jobs: int, runner: ProcessRunner, fetcher: Fetcher, sdists: SdistBuilder, out_dir: str,
                 hashes: HashPolicy, on_fetched: Optional[Callable[[Item], None]] = None) -> None:
        # Told of each wheel fetched as it is (pipeline: a hint to the host that reads its own copy).
        self.on_fetched = on_fetched
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="deps")
        self.runner = runner
        self.fetcher = fetcher
        self.sdists = sdists
        self.out_dir = out_dir
        self.hashes = hashes
        self.futures: Dict[tuple, concurrent.futures.Future] = {}
        self._lock = threading.Lock()
        self.done = 0
        self.total = 0
        self.started = False

    def submit(self, items: Iterable[Item]) -> None:
        # Slow work first: sdists to build before wheels to copy.
        fresh = sorted((i for i in items if i.key not in self.futures), key=lambda i: (i.origin != "built", i.name))
        if not fresh:
            return
        if not self.started:
            self.started = True
            emit("phase", phase="deps")
        with self._lock:
            self.total += len(fresh)
        for item in fresh:
            self.futures[item.key] = self.pool.submit(self._task, item)

    def wait(self, items: Sequence[Item]) -> Dict[tuple, BuiltWheel]:
        """The wheels of `items`. The first failure among them stops everything and is raised; a
        failure of an item submitted on a guess that turned out unneeded is no failure of the build."""
        needed = {item.key for item in items}
        for key, future in list(self.futures.items()):
            if key not in needed:
                future.cancel()  # a guess the real metadata dropped: not started, not needed
        by_future = {future: key for key, future in self.futures.items()}
        failure: Optional[BaseException] = None
        for future in concurrent.futures.as_completed(list(by_future)):
            if future.cancelled() or by_future[future] not in needed:
                continue
            error = future.exception()
            if error is not None and not isinstance(error, Cancelled) and failure is None:
                failure = error
                self.stop()
        if failure is not None:
            raise failure
        return {item.key: self.futures[item.key].result() for item in items}

    def stop(self) -> None:
        self.runner.cancel()
        for future in self.futures.values():
            future.cancel()

    def close(self) -> None:
        self.pool.shutdown(wait=True)

    def _progress(self, item: Item, state: str, finished: bool = False) -> None:
        with self._lock:
            if finished:
                self.done += 1
            # `package` and `state` apart, so the host can say which package compiles without parsing
            # `current` (kept for older hosts).
            emit("progress", step="deps", done=self.done, total=self.total,
                 current="%s (%s)" % (item.label(), state), package=item.label(), state=state)

    def _task(self, item: Item) -> BuiltWheel:
        if self.runner.cancelled:
            raise Cancelled()
        building = item.origin == "built" and item.kind != "prebuilt"
        if not building:
            self._progress(item, "fetching")
        policy = self.hashes(item.name)
        try:
            if item.kind == "prebuilt":
                # Built here before from an sdist: a lock's or file's hash names that sdist.
                source = self.sdists.prebuilt_source(self.fetcher.obtain(item)) or {}
                if policy and "sha256:%s" % source.get("sha256") not in policy[0]:
                    raise FetchError("hash mismatch: the sdist this wheel was built from is not one the lock or "
                                     "requirements file allows", hash_mismatch=True)
            path = self.fetcher.obtain(item, policy[0] if policy and item.kind != "prebuilt" else None)
        except FetchError as error:
            if error.fields.get("hash_mismatch") and policy:
                raise HelperError(policy[1], file=policy[2], entry=item.label(), package=item.name,
                                  reason=error.reason, **error.fields) from None
            raise HelperError("deps-build", package=item.name, version=item.version, phase="fetch",
                              reason=error.reason, tail=[], **error.fields) from None
        if item.kind not in ("archive", "prebuilt"):
            raise HelperError("deps-build", package=item.name, version=item.version, phase="fetch", tail=[],
                              reason="a %s source cannot be built reproducibly here: name an sdist or a wheel"
                                     % ("VCS" if item.kind == "vcs" else "folder"))
        how = "fetched"
        if item.is_wheel:
            if building:
                self._progress(item, "building")
            wheel = copy_into(path, self.out_dir)
        else:
            sdist_sha256 = item.sha256 or _sha(path)
            # Said before the work starts: compiling is a milestone the host shows, a cached wheel is not.
            from_registry = not self.sdists.has_local(sdist_sha256) and \
                self.sdists.registry_wheel(item.name, item.version, sdist_sha256) is not None
            self._progress(item, "fetching from the wheel cache" if from_registry else "building")
            try:
                wheel, how = self.sdists.obtain_wheel(item.name, item.version, path, sdist_sha256, self.out_dir,
                                                      item.url)
            except BackendFailure as failure:
                raise HelperError("deps-build", package=item.name, version=item.version,
                                  **failure.event_fields()) from None
            except UnsafeArchive as error:
                raise HelperError("deps-build", package=item.name, version=item.version, phase="unpack",
                                  reason=str(error), tail=[]) from None
        if how == "registry":
            self._progress(item, "fetched from the wheel cache", finished=True)
            return BuiltWheel(item, wheel, cached=True)
        self._progress(item, "built" if building else "fetched", finished=True)
        if not building and item.is_wheel and self.on_fetched is not None:
            self.on_fetched(item)
        return BuiltWheel(item, wheel)


def _sha(path: str) -> str:
    from .wheelfile import sha256_file

    return sha256_file(path)
