"""wheelwright's builder helper: runs inside the builder (or a host venv) with the target Python.

It builds the application's wheel first and reads its real metadata, so extras and markers are
judged by the interpreter the wheels are for; then builds every dependency into an empty folder,
and checks what pip does not: one app wheel with the expected name, requested extras and groups
exist, every Requires-Dist of every requested set is satisfied by a wheel in the set, every file is
a valid wheel. It prints progress as `@@wheelwright {json}` lines and writes report.json.

Exit codes (read by wheelwright): 0 ok, 20 app build failed, 21 wrong app name/count,
22 unknown extra/group, 23 dependency build failed, 24 unsatisfied requirement, 25 invalid wheel.
"""

import argparse
import email.parser
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile

from pip._vendor.packaging.markers import default_environment
from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.utils import canonicalize_name
from pip._vendor.packaging.version import Version

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None


def emit(kind, **fields):
    print("@@wheelwright " + json.dumps({"kind": kind, **fields}), flush=True)


def fail(code, error, **fields):
    emit("error", error=error, **fields)
    sys.exit(code)


def norm_extra(name):
    # PEP 685: extras compare like package names.
    return re.sub(r"[-_.]+", "-", name).lower()


def run_pip(args, log_name):
    """Runs pip, streaming its output, and returns (exit code, output lines)."""
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"] + args
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines = []
    for line in proc.stdout:
        line = line.rstrip("\n")
        lines.append(line)
        emit("log", step=log_name, line=line)
    return proc.wait(), lines


def read_metadata(path):
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if re.match(r"^[^/]+\.dist-info/METADATA$", n)]
        if len(names) != 1:
            raise ValueError("no single .dist-info/METADATA")
        bad = archive.testzip()
        if bad is not None:
            raise ValueError("corrupt member " + bad)
        return email.parser.Parser().parsestr(archive.read(names[0]).decode("utf-8"))


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def wheel_name(filename):
    parts = filename[:-4].split("-")
    return canonicalize_name(parts[0]), parts[1]


def marker_ok(req, extra):
    if req.marker is None:
        return True
    env = default_environment()
    env["extra"] = extra
    return req.marker.evaluate(env)


def root_spec(req):
    """A root requirement for pip, without its marker: markers were already judged here (an extra's
    requirements carry `extra == "x"`, which pip would judge false and drop)."""
    extras = "[" + ",".join(sorted(req.extras)) + "]" if req.extras else ""
    if req.url:
        return req.name + extras + " @ " + req.url
    return req.name + extras + str(req.specifier)


def load_groups(source):
    path = os.path.join(source, "pyproject.toml")
    if tomllib is None or not os.path.exists(path):
        return {}
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    return {norm_extra(k): v for k, v in (data.get("dependency-groups") or {}).items()}


def expand_group(groups, name, seen=()):
    out = []
    for item in groups.get(name, []):
        if isinstance(item, dict) and "include-group" in item:
            inner = norm_extra(item["include-group"])
            if inner in seen:
                fail(22, "group-cycle", group=inner)
            out += expand_group(groups, inner, seen + (name,))
        elif isinstance(item, str):
            out.append(item)
    return out


def requirement_lines(path):
    """The requirement lines of a requirements file (options and nested files are left to pip)."""
    out = []
    with open(path) as handle:
        for raw in handle:
            line = raw.split(" #")[0].strip()
            if line and not line.startswith(("#", "-")):
                out.append(line)
    return out


DEFAULT_BUILD_SYSTEM = {"requires": ["setuptools>=40.8.0", "wheel"], "build-backend": "setuptools.build_meta:__legacy__"}


def build_system(source):
    path = os.path.join(source, "pyproject.toml")
    if tomllib is None or not os.path.exists(path):
        return DEFAULT_BUILD_SYSTEM
    with open(path, "rb") as handle:
        table = tomllib.load(handle).get("build-system")
    if not table or "build-backend" not in table:
        return {**DEFAULT_BUILD_SYSTEM, **(table or {})} if table else DEFAULT_BUILD_SYSTEM
    return table


def logging_runner(step):
    """A pyproject_hooks runner that streams the backend's output as log lines."""
    def run(cmd, cwd=None, extra_environ=None):
        env = os.environ.copy()
        env.update(extra_environ or {})
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = []
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            emit("log", step=step, line=lines[-1])
        if proc.wait() != 0:
            raise subprocess.CalledProcessError(proc.returncode, cmd, output="\n".join(lines))
    return run


def install_into(env_python, requirements, step):
    code, lines = run_pip(["--python", env_python, "install", "--no-input"] + list(requirements), step)
    if code != 0:
        missing = [m.group(1) for m in (re.search(r"No matching distribution found for (\S+)", l) for l in lines) if m]
        fail(20, "app-build", tail=lines[-40:], not_found=missing[0] if missing else None, phase="build-env")


def build_env(cache, requires, fresh):
    """A build environment with `requires` installed, made the way pip's isolation makes one (a fresh
    venv, requirements from the same index), and kept in the cache for the next build."""
    key = hashlib.sha256(json.dumps([sys.version, sorted(requires), os.environ.get("PIP_INDEX_URL"),
                                     os.environ.get("PIP_EXTRA_INDEX_URL"), os.environ.get("PIP_FIND_LINKS")])
                         .encode()).hexdigest()[:24]
    root = os.path.join(cache, "build-envs")
    env = os.path.join(root, key)
    python = os.path.join(env, "bin", "python")
    if fresh and os.path.isdir(env):
        subprocess.run(["rm", "-rf", env], check=False)
    if os.path.exists(os.path.join(env, ".complete")):
        return env, python
    os.makedirs(root, exist_ok=True)
    work = env + ".tmp-" + str(os.getpid())
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", work], check=True)
    install_into(os.path.join(work, "bin", "python"), requires, "app")
    try:
        os.rename(work, env)
    except OSError:  # another build made it first
        subprocess.run(["rm", "-rf", work], check=False)
    return env, python


def build_app(args, app_dir):
    """Builds the application's wheel through its PEP 517 backend, in a cached build environment."""
    try:
        from pip._vendor.pyproject_hooks import BuildBackendHookCaller
    except ImportError:  # an old pip: let pip do it, in a fresh isolated environment
        code, lines = run_pip(["wheel", "--no-deps", "--wheel-dir", app_dir, args.source], "app")
        if code != 0:
            missing = [m.group(1) for m in (re.search(r"No matching distribution found for (\S+)", l) for l in lines) if m]
            fail(20, "app-build", tail=lines[-40:], not_found=missing[0] if missing else None)
        return
    system = build_system(args.source)
    env, python = build_env(args.cache, system.get("requires", []), args.fresh_build_env)
    caller = BuildBackendHookCaller(args.source, system["build-backend"], system.get("backend-path"),
                                    runner=logging_runner("app"), python_executable=python)
    try:
        dynamic = caller.get_requires_for_build_wheel({})
    except subprocess.CalledProcessError as error:
        fail(20, "app-build", tail=error.output.splitlines()[-40:], phase="metadata")
    if dynamic:
        marker = os.path.join(env, ".dynamic-" + hashlib.sha256(json.dumps(sorted(dynamic)).encode()).hexdigest()[:16])
        if not os.path.exists(marker):
            install_into(python, dynamic, "app")
            open(marker, "w").close()
    open(os.path.join(env, ".complete"), "w").close()
    try:
        caller.build_wheel(app_dir, {})
    except subprocess.CalledProcessError as error:
        fail(20, "app-build", tail=error.output.splitlines()[-40:], phase="build")


def main():
    os.umask(0o022)  # wheels record file modes: fixed so two builds of one commit are identical
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--expect-name", default="")
    parser.add_argument("--extra", action="append", default=[])
    parser.add_argument("--group", action="append", default=[])
    parser.add_argument("--requirements", action="append", default=[])
    parser.add_argument("--app-only", action="store_true")
    parser.add_argument("--cache", default=os.environ.get("PIP_CACHE_DIR", "/tmp"))
    parser.add_argument("--fresh-build-env", action="store_true")
    args = parser.parse_args()

    app_dir = os.path.join(args.out, "app")
    deps_dir = os.path.join(args.out, "deps")
    os.makedirs(app_dir)
    os.makedirs(deps_dir)

    emit("phase", phase="app")
    build_app(args, app_dir)
    built = [f for f in os.listdir(app_dir) if f.endswith(".whl")]
    if len(built) != 1:
        fail(21, "app-count", found=built)
    app_file = built[0]
    app_name, app_version = wheel_name(app_file)
    if app_name == "unknown" or (args.expect_name and app_name != canonicalize_name(args.expect_name)):
        fail(21, "app-name", found=app_name, expected=canonicalize_name(args.expect_name), version=app_version)
    meta = read_metadata(os.path.join(app_dir, app_file))
    requires = meta.get_all("Requires-Dist") or []
    provided = sorted({norm_extra(e) for e in (meta.get_all("Provides-Extra") or [])})
    groups = load_groups(args.source)

    extras = [norm_extra(e) for e in args.extra]
    unknown = sorted({e for e in extras if e not in provided})
    wanted_groups = [norm_extra(g) for g in args.group]
    unknown_groups = sorted({g for g in wanted_groups if g not in groups})
    if unknown or unknown_groups:
        fail(22, "unknown-extra", extras=unknown, groups=unknown_groups, available=provided,
             available_groups=sorted(groups))

    # The root requirements of each set: runtime, each extra, each group, each requirements file.
    roots = {"runtime": [Requirement(r) for r in requires if marker_ok(Requirement(r), "")]}
    for extra in extras:
        roots["extra:" + extra] = [Requirement(r) for r in requires
                                   if Requirement(r).marker is not None and marker_ok(Requirement(r), extra)
                                   and not marker_ok(Requirement(r), "")]
    for group in wanted_groups:
        roots["group:" + group] = [Requirement(r) for r in expand_group(groups, group)]
    for path in args.requirements:
        roots["requirements:" + os.path.basename(path)] = [Requirement(r) for r in requirement_lines(path)]

    # Markers of the roots are judged now; the closure walk below must not judge them again.
    roots = {name: [Requirement(root_spec(r)) for r in reqs] for name, reqs in roots.items()}

    emit("app", name=app_name, version=app_version, filename=app_file, requires=requires,
         extras=provided, groups=sorted(groups))

    origins = {}
    if not args.app_only:
        specs = sorted({root_spec(r) for reqs in roots.values() for r in reqs})
        pip_args = ["wheel", "--wheel-dir", deps_dir]
        for path in args.requirements:
            pip_args += ["-r", path]
        if specs or args.requirements:
            emit("phase", phase="deps", count=len(specs))
            code, lines = run_pip(pip_args + specs, "deps")
            building = None
            not_found = False
            for line in lines:
                # A wheel built here, now or earlier (from pip's wheel cache), has a plain `linux_*`
                # platform tag; indexes serve portable (manylinux, any) ones.
                match = re.search(r"Using cached (\S+?)-[^-]+-[^-]+-[^-]+-linux_\w+\.whl", line)
                if match:
                    origins[canonicalize_name(match.group(1))] = "built"
                match = re.match(r"\s*Building wheel for (\S+) \(", line)
                if match:
                    origins[canonicalize_name(match.group(1))] = "built"
                # "Failed to build zbroken", not "Failed to build one or more wheels".
                match = re.search(r"Failed (?:to build|building wheel for) (\S+)\s*$", line)
                if match:
                    building = match.group(1)
                match = re.search(r"No matching distribution found for (\S+)", line)
                if match:
                    building = match.group(1)
                    not_found = True
            if code != 0:
                fail(23, "deps-build", package=building, not_found=not_found, tail=lines[-40:])

    emit("phase", phase="check")
    wheels = {}
    for folder in (app_dir, deps_dir):
        for filename in sorted(os.listdir(folder)):
            path = os.path.join(folder, filename)
            if not filename.endswith(".whl"):
                fail(25, "not-a-wheel", file=filename)
            try:
                file_meta = read_metadata(path)
            except (zipfile.BadZipFile, ValueError, KeyError) as error:
                fail(25, "invalid-wheel", file=filename, reason=str(error))
            name, version = wheel_name(filename)
            if name in wheels and folder == deps_dir:
                os.remove(path)  # pip copied the app wheel again: keep the one built first
                continue
            wheels[name] = {
                "filename": filename, "name": name, "version": version,
                "folder": os.path.basename(folder), "sha256": sha256(path), "size": os.path.getsize(path),
                "origin": "built" if folder == app_dir or origins.get(name) == "built" else "fetched",
                "requires": file_meta.get_all("Requires-Dist") or [], "sets": [],
            }

    if args.app_only:
        wheels[app_name]["sets"] = ["runtime"]
        emit("report", wheels=list(wheels.values()), app=app_name)
        write_report(args.out, wheels, app_name, provided, groups)
        return

    missing = []
    wheels[app_name]["sets"].append("runtime")
    for set_name, reqs in roots.items():
        queue = [(r, "") for r in reqs]
        seen = set()
        while queue:
            req, extra = queue.pop()
            if not marker_ok(req, extra):
                continue
            name = canonicalize_name(req.name)
            wheel = wheels.get(name)
            if wheel is None or not req.specifier.contains(Version(wheel["version"]), prereleases=True):
                missing.append({"set": set_name, "requirement": str(req),
                                "found": None if wheel is None else wheel["version"]})
                continue
            key = (name, tuple(sorted(req.extras)))
            if key in seen:
                continue
            seen.add(key)
            if set_name not in wheel["sets"]:
                wheel["sets"].append(set_name)
            for child in wheel["requires"]:
                child_req = Requirement(child)
                # A dependency's extras activate its extra-marked requirements.
                for child_extra in [""] + sorted(req.extras):
                    if marker_ok(child_req, child_extra):
                        queue.append((child_req, child_extra))
                        break
    if missing:
        fail(24, "unsatisfied", missing=missing)
    for name in [n for n, w in wheels.items() if not w["sets"]]:
        # Built by pip but needed by no requested set (e.g. a build backend): not part of the result.
        os.remove(os.path.join(args.out, wheels[name]["folder"], wheels[name]["filename"]))
        del wheels[name]
    write_report(args.out, wheels, app_name, provided, groups)


def write_report(out, wheels, app_name, provided, groups):
    report = {"app": app_name, "extras": provided, "groups": sorted(groups), "wheels": sorted(
        wheels.values(), key=lambda w: w["name"])}
    with open(os.path.join(out, "report.json"), "w") as handle:
        json.dump(report, handle, indent=1, sort_keys=True)
    emit("done", wheels=len(wheels))


if __name__ == "__main__":
    main()
