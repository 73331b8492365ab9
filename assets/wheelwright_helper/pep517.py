"""One wheel from one source folder through its PEP 517 backend (`build.ProjectBuilder`, whose
[build-system] reading applies setuptools' legacy backend where pip does), in a cached build
environment, with the backend's output streamed as log lines."""

from __future__ import annotations

import os
import subprocess
from typing import Dict, List, Optional, Tuple

import build as pypa_build

from .buildenv import BuildEnvFailure, BuildEnvs
from .pip import describe_failure
from .process import Cancelled, ProcessResult, ProcessRunner, tail_of
from .requires_memo import RequiresMemo


class BackendFailure(Exception):
    """A failed build, with the phase it failed in: build-env, metadata or build."""

    def __init__(self, phase: str, lines: List[str], signal: Optional[int] = None, **fields: object) -> None:
        super().__init__(phase)
        self.phase = phase
        self.lines = lines
        self.signal = signal
        self.fields = fields

    def event_fields(self) -> Dict[str, object]:
        out: Dict[str, object] = {"phase": self.phase, "tail": tail_of(self.lines)}
        if self.signal is not None:
            out["signal"] = self.signal
        out.update(self.fields)
        return out


class _Runner:
    """The subprocess runner pyproject_hooks calls: our environment, our log lines, and the last
    result kept for the failure's tail and signal."""

    def __init__(self, runner: ProcessRunner, environ: Dict[str, str], step: str, package: Optional[str]) -> None:
        self.runner = runner
        self.environ = environ
        self.step = step
        self.package = package
        self.last: Optional[ProcessResult] = None

    def __call__(self, cmd, cwd=None, extra_environ=None) -> None:
        env = dict(self.environ)
        env.update(extra_environ or {})
        self.last = self.runner.run(cmd, self.step, env=env, cwd=cwd, package=self.package)
        if not self.last.ok:
            raise subprocess.CalledProcessError(self.last.returncode, cmd, output="\n".join(self.last.lines))


def _failure(phase: str, error: Exception, hook_runner: _Runner) -> Exception:
    inner = getattr(error, "exception", None)
    if isinstance(inner, Cancelled) or isinstance(error, Cancelled):
        return Cancelled()
    last = hook_runner.last
    if last is not None and not last.ok:
        return BackendFailure(phase, last.lines, last.signal)
    return BackendFailure(phase, [str(error)])


def build_wheel(source_dir: str, out_dir: str, envs: BuildEnvs, environ: Dict[str, str], runner: ProcessRunner,
                step: str, package: Optional[str] = None, memo: Optional[RequiresMemo] = None) -> Tuple[str, str]:
    """Builds one wheel into `out_dir`; returns its path and the build environment's interpreter.
    `memo`: where the backend's dynamic build requirements are kept (the app's; see requires_memo).
    Raises BackendFailure or Cancelled."""
    hooks = _Runner(runner, environ, step, package)
    try:
        reader = pypa_build.ProjectBuilder(source_dir, runner=hooks)
        requires = sorted(reader.build_system_requires)
    except pypa_build.BuildException as error:
        raise BackendFailure("metadata", [str(error)]) from None
    python = _env_python(envs, requires, step, package)
    builder = pypa_build.ProjectBuilder(source_dir, python_executable=python, runner=hooks)
    dynamic = None if memo is None else memo.recall()
    if dynamic is None:
        try:
            dynamic = sorted(builder.get_requires_for_build("wheel") - set(requires))
        except (pypa_build.BuildBackendException, Cancelled) as error:
            raise _failure("metadata", error, hooks) from None
        if memo is not None:
            memo.keep(dynamic)
    if dynamic:
        # Requirements the backend asks for at build time: an environment keyed by both lists.
        python = _env_python(envs, requires + dynamic, step, package)
        builder = pypa_build.ProjectBuilder(source_dir, python_executable=python, runner=hooks)
    os.makedirs(out_dir, exist_ok=True)
    try:
        return builder.build("wheel", out_dir), python
    except (pypa_build.BuildBackendException, Cancelled) as error:
        raise _failure("build", error, hooks) from None


def _env_python(envs: BuildEnvs, requires: List[str], step: str, package: Optional[str]) -> str:
    try:
        return envs.python(requires, step, package or "")
    except BuildEnvFailure as failure:
        fields = describe_failure(failure.result.lines)
        fields.pop("package", None)
        raise BackendFailure("build-env", failure.result.lines, failure.result.signal,
                             requirements=failure.requirements, **fields) from None
