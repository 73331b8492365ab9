"""Entry point: `python -m wheelwright_helper build --request FILE` | `selftest [--request FILE]`.

Starts on a bare stdlib Python 3.9+: the modules that need `packaging`, `pyproject_hooks` and `build`
are imported only once the helper environment holding them is on sys.path.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import traceback
from typing import List, Optional

from .buildenv import BuildEnvs, build_system_requires
from .events import HelperError, emit
from .helper_env import activate, check_pip, ensure_helper_env
from .pip import child_environment, index_arguments
from .process import Cancelled, ProcessRunner
from .reproducible import apply_process_defaults
from .request import load_request

EXIT_INTERRUPTED = {signal.SIGINT: 130, signal.SIGTERM: 143}


class Interrupted(BaseException):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_signal(runner: ProcessRunner):
    def handler(signum, _frame):
        runner.cancel()  # the children first: a compiler must not outlive the helper
        raise Interrupted(signum)
    return handler


def build(request_path: str) -> int:
    runner = ProcessRunner()
    for signum in EXIT_INTERRUPTED:
        signal.signal(signum, _on_signal(runner))
    apply_process_defaults()
    try:
        request = load_request(request_path)
        env = child_environment(os.environ, request.cache)
        emit("phase", phase="bootstrap")
        check_pip()
        envs = BuildEnvs(request.cache, index_arguments(request.index), runner, env, request.fresh_build_env)
        _prewarm_app_env(request, envs)
        activate(ensure_helper_env(request.cache, request.index, runner, env))
        from .pipeline import Build  # needs the helper environment

        Build(request, runner, env, envs).run()
        return 0
    except HelperError as error:
        runner.cancel()  # the app environment may still be in the making
        emit("error", **error.event())
        return error.exit_code
    except Interrupted as interrupted:
        runner.cancel()
        return EXIT_INTERRUPTED.get(interrupted.signum, 130)
    except Cancelled:  # pragma: no cover - a worker saw the cancel before the failure surfaced
        return 1
    except Exception:
        runner.cancel()
        traceback.print_exc()
        return 1


def _prewarm_app_env(request, envs: BuildEnvs) -> Optional[threading.Thread]:
    """Makes the app's build environment while the helper environment is made: both are on the
    cold path and neither needs the other. Only when the request's index settings are the whole
    story (a requirements file may add index options, read later). A failure here is not reported:
    the app build meets it again and reports it properly."""
    requires = build_system_requires(request.source)
    file_options = request.requirements or (request.lock is not None and request.lock.format == "requirements")
    if requires is None or file_options:
        return None

    def make() -> None:
        try:
            envs.python(requires, "app")
        except Exception:  # noqa: BLE001 - reported by the app build
            pass

    thread = threading.Thread(target=make, name="prewarm", daemon=True)
    thread.start()
    return thread


def selftest(request_path: Optional[str], cache: Optional[str]) -> int:
    from .selftest import main

    if request_path:
        request = load_request(request_path)
        runner = ProcessRunner()
        try:
            ensure_helper_env(request.cache, request.index, runner, child_environment(os.environ, request.cache))
        except HelperError as error:
            emit("error", **error.event())
            return error.exit_code
        cache = request.cache
    return main(cache)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wheelwright_helper")
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="build the wheelhouse a request describes")
    build_parser.add_argument("--request", required=True, help="the request JSON file")
    test_parser = commands.add_parser("selftest", help="print the versions of Python, pip and the helper's packages")
    test_parser.add_argument("--request", help="make the helper environment this request's cache would use")
    test_parser.add_argument("--cache", help="the cache folder whose helper environment to describe")
    args = parser.parse_args(argv)
    if args.command == "build":
        return build(args.request)
    return selftest(args.request, args.cache)


if __name__ == "__main__":
    sys.exit(main())
