// What `wheelwright init` writes, as a pure function of the project's facts: the config, the base,
// builder and release image folders (Debian bookworm, `FROM ${BASE_IMAGE}` wiring), and a
// .dockerignore. Every file works as written, for any project shape: with or without runtime
// dependencies, an app that writes its instance folder, tests that must not run as root.

export interface ScaffoldFacts {
  /** The project's distribution name. */
  name: string;
  /** Config values to record (namespace, network, index settings...), already validated. */
  config: Record<string, string | boolean | string[] | number>;
  /** Comments for config values (why init chose them), by key. */
  configNotes?: Record<string, string>;
  /** The release image's CMD (exec form), or undefined with `cmdNote` saying what to set. */
  cmd: string[] | undefined;
  /** Why this CMD (or what to set when there is none). */
  cmdNote: string;
  /** Environment the release needs to start (e.g. DJANGO_SETTINGS_MODULE). */
  env?: Record<string, string>;
  /** The config's JSON schema, relative to the config: the first line of wheelwright.toml points editors at it. */
  schema?: string;
  /** `init --target`: the targets to declare, by name from KNOWN_TARGETS (issue 14). */
  targets?: readonly string[];
}

/** The Debian image the scaffolded base Dockerfile starts FROM unless a target says otherwise. */
export const DEFAULT_DEBIAN_IMAGE = "debian:bookworm-slim";

/** The targets `init --target` knows: each a Debian release, and so a Python (bookworm 3.11, trixie 3.13). */
export const KNOWN_TARGETS: Readonly<Record<string, string>> = {
  bookworm: "debian:bookworm-slim",
  trixie: "debian:trixie-slim",
};

/** The Python each known target's Debian release ships (its python3 package's version). */
export const TARGET_PYTHON: Readonly<Record<string, string>> = {
  bookworm: "3.11.2",
  trixie: "3.13.5",
};

/** The target whose image the scaffold's base Dockerfile uses when init declares none. */
export const DEFAULT_TARGET = "bookworm";

/** The `[[target]]` tables: a target on another Debian than the default passes it as DEBIAN_IMAGE. */
function targetTables(targets: readonly string[]): string {
  return targets
    .map((name) => {
      const image = KNOWN_TARGETS[name];
      const args =
        image === undefined || image === DEFAULT_DEBIAN_IMAGE
          ? ""
          : `build-args = { DEBIAN_IMAGE = ${JSON.stringify(image)} }\n`;
      return `\n[[target]]\nname = ${JSON.stringify(name)}\n${args}`;
    })
    .join("");
}

function tomlValue(value: string | boolean | string[] | number): string {
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => JSON.stringify(item)).join(", ")}]`;
  return JSON.stringify(value);
}

function configFile(facts: ScaffoldFacts): string {
  const lines = Object.entries(facts.config).flatMap(([key, value]) => [
    ...(facts.configNotes?.[key] === undefined ? [] : [`# ${facts.configNotes[key]}`]),
    `${key} = ${tomlValue(value)}`,
  ]);
  const schema = facts.schema === undefined ? "" : `#:schema ${facts.schema}\n`;
  const targets =
    facts.targets === undefined || facts.targets.length === 0
      ? ""
      : `\n# Top-level keys go above this line: in TOML every key after a [[target]] header belongs to that target.
# One wheelhouse (wheelhouse/<name>/) and one set of images (tags ending -<name>) per target.${targetTables(facts.targets)}`;
  return `${schema}# wheelwright's config for ${facts.name} (every key: \`wheelwright info\`, the README, or the schema).
# The app name defaults to the project's name; images are docker/<folder>, wheels go to wheelhouse/.
${lines.join("\n")}
${targets}`;
}

/** With targets, the Debian release (and so the Python) is a build arg each target may set. */
const BASE_FROM = (targets: boolean) =>
  targets
    ? `# Each target names its Debian release (and so its Python) in DEBIAN_IMAGE (wheelwright.toml).
ARG DEBIAN_IMAGE=${DEFAULT_DEBIAN_IMAGE}
FROM \${DEBIAN_IMAGE}`
    : `FROM ${DEFAULT_DEBIAN_IMAGE}`;

const BASE = (
  name: string,
  targets: boolean,
) => `# The base image: what ${name} needs at run time, and nothing to build with.
${BASE_FROM(targets)}

# The application's virtualenv at /appenv. python3-venv is needed only to create it and brings
# pip's and setuptools' wheels: purged in the same layer, so no wheel file is in the release image.
# apt's lists and downloaded packages go too (the image has no apt clean hook of its own).
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \\
 && python3 -m venv /appenv \\
 && DEBIAN_FRONTEND=noninteractive apt-get purge -y --auto-remove \\
      $(dpkg-query -W -f '\${Package}\\n' 'python3*-venv' python3-pip-whl python3-setuptools-whl 2>/dev/null) \\
 && apt-get clean \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*

# The user the application (and its tests) run as, and the one folder it may write: /appenv/var
# (Flask's instance folder is /appenv/var/<app>-instance) and its home.
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/app --shell /usr/sbin/nologin app \\
 && install -d -o app -g app /appenv/var

ENV PATH=/appenv/bin:$PATH \\
    PYTHONUNBUFFERED=1 \\
    PYTHONDONTWRITEBYTECODE=1
`;

const BUILDER = `# The builder image: the base plus every build dependency (add the -dev packages your
# dependencies compile against here). wheelwright copies the source in and the wheels out, so
# the image needs no VOLUME, WORKDIR or CMD of its own. Debian's wheel goes in without its
# dependencies (trixie's names packaging, which Debian ships as no wheel): builds get theirs from
# the package index.
ARG BASE_IMAGE
FROM \${BASE_IMAGE}

RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      gcc g++ libc6-dev python3-dev libffi-dev libssl-dev python3-venv python3-wheel-whl \\
 && apt-get clean \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \\
 && /appenv/bin/pip install --no-index --no-deps --disable-pip-version-check /usr/share/python-wheels/wheel-*.whl
`;

function releaseCmd(facts: ScaffoldFacts): string {
  const env = Object.entries(facts.env ?? {}).map(([key, value]) => `ENV ${key}=${JSON.stringify(value)}`);
  const cmd = facts.cmd === undefined ? [] : [`CMD ${JSON.stringify(facts.cmd)}`];
  return [`# ${facts.cmdNote}`, ...env, ...cmd].join("\n");
}

function release(facts: ScaffoldFacts): string {
  return `# The release image: the base image plus the runtime wheels, and nothing else. \`wheelwright
# release\` builds it with a context holding this folder and wheels/deps, wheels/app (each with a
# hash-pinned requirements.txt); the wheels are installed in build stages and only the installed
# files are copied, so no wheel reaches a layer.
ARG BASE_IMAGE

# The dependencies in their own layer (reused while they do not change). The folder is made first:
# an application with no runtime dependencies installs nothing here.
FROM \${BASE_IMAGE} AS deps
COPY wheels/deps/ /tmp/wheels/deps/
RUN mkdir -p /release/appenv \\
 && pip install --no-index --find-links /tmp/wheels/deps --no-deps --require-hashes \\
      --disable-pip-version-check --prefix /release/appenv -r /tmp/wheels/deps/requirements.txt

FROM \${BASE_IMAGE} AS app
COPY wheels/app/ /tmp/wheels/app/
RUN pip install --no-index --find-links /tmp/wheels/app --no-deps --require-hashes \\
      --disable-pip-version-check --prefix /release/appenv -r /tmp/wheels/app/requirements.txt

FROM \${BASE_IMAGE}
WORKDIR /home/app
${releaseCmd(facts)}
COPY --from=deps /release/ /
COPY --from=app /release/ /
USER 10001
`;
}

const DOCKERIGNORE = `wheelhouse/
.wheelhouse.*
.wheelwright/
.git
.venv
**/__pycache__
*.egg-info
build/
dist/
`;

export function scaffoldFiles(facts: ScaffoldFacts): Record<string, string> {
  return {
    "wheelwright.toml": configFile(facts),
    "docker/base/Dockerfile": BASE(facts.name, (facts.targets ?? []).length > 0),
    "docker/builder/Dockerfile": BUILDER,
    "docker/release/Dockerfile": release(facts),
    ".dockerignore": DOCKERIGNORE,
  };
}
