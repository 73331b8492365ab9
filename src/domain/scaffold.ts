// What `wheelwright init` writes, as a pure function of the project's facts: the config, the base,
// builder and release image folders (Debian bookworm, `FROM ${BASE_IMAGE}` wiring), and a
// .dockerignore. Every file works as written; the release CMD is the one line to adapt.

export interface ScaffoldFacts {
  /** The project's distribution name. */
  name: string;
  /** Its import package (the module `python -m` runs in the release image). */
  module: string;
  /** Config values to record (namespace, network, index settings...), already validated. */
  config: Record<string, string | boolean | string[] | number>;
}

function tomlValue(value: string | boolean | string[] | number): string {
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => JSON.stringify(item)).join(", ")}]`;
  return JSON.stringify(value);
}

export function scaffoldFiles(facts: ScaffoldFacts): Record<string, string> {
  const config = Object.entries(facts.config)
    .map(([key, value]) => `${key} = ${tomlValue(value)}`)
    .join("\n");
  return {
    "wheelwright.toml": `# wheelwright's config for ${facts.name} (keys: see \`wheelwright info\` and the README).
# The app name defaults to the project's name; images are docker/<folder>, wheels go to wheelhouse/.
${config}
`,
    "docker/base/Dockerfile": `# The base image: what ${facts.name} needs at run time, and nothing to build with.
FROM debian:bookworm-slim

# The application's virtualenv at /appenv. python3-venv is needed only to create it and brings
# pip's and setuptools' wheels: purged in the same layer, so no wheel file is in the release image.
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \\
 && python3 -m venv /appenv \\
 && DEBIAN_FRONTEND=noninteractive apt-get purge -y --auto-remove python3-venv python3.11-venv python3-pip-whl python3-setuptools-whl \\
 && rm -rf /var/lib/apt/lists/*

ENV PATH=/appenv/bin:$PATH \\
    PYTHONUNBUFFERED=1 \\
    PYTHONDONTWRITEBYTECODE=1
`,
    "docker/builder/Dockerfile": `# The builder image: the base plus every build dependency (add the -dev packages your
# dependencies compile against here).
ARG BASE_IMAGE
FROM \${BASE_IMAGE}

RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      gcc libc6-dev python3-dev libffi-dev libssl-dev python3-venv python3-wheel-whl \\
 && rm -rf /var/lib/apt/lists/* \\
 && /appenv/bin/pip install --no-index --disable-pip-version-check /usr/share/python-wheels/wheel-*.whl

ENV WHEELHOUSE=/wheelhouse \\
    PIP_WHEEL_DIR=/wheelhouse \\
    PIP_FIND_LINKS=/wheelhouse \\
    XDG_CACHE_HOME=/cache

VOLUME /wheelhouse
VOLUME /application
WORKDIR /application

CMD ["pip", "wheel", "."]
`,
    "docker/release/Dockerfile": `# The release image: the base image plus the runtime wheels, and nothing else. \`wheelwright
# release\` builds it with a context holding this folder and wheels/deps, wheels/app (each with a
# hash-pinned requirements.txt); the wheels are installed in build stages and only the installed
# files are copied, so no wheel reaches a layer.
ARG BASE_IMAGE

FROM \${BASE_IMAGE} AS deps
COPY wheels/deps/ /tmp/wheels/deps/
RUN pip install --no-index --find-links /tmp/wheels/deps --no-deps --require-hashes \\
      --disable-pip-version-check --prefix /release/appenv -r /tmp/wheels/deps/requirements.txt

FROM \${BASE_IMAGE} AS app
COPY wheels/app/ /tmp/wheels/app/
RUN pip install --no-index --find-links /tmp/wheels/app --no-deps --require-hashes \\
      --disable-pip-version-check --prefix /release/appenv -r /tmp/wheels/app/requirements.txt

FROM \${BASE_IMAGE}
RUN useradd --system --uid 10001 --create-home --home-dir /home/app --shell /usr/sbin/nologin app
WORKDIR /home/app
# How the application starts: adapt this line (exec form, so signals reach it).
CMD ["python", "-m", "${facts.module}"]
COPY --from=deps /release/ /
COPY --from=app /release/ /
USER 10001
`,
    ".dockerignore": `wheelhouse/
.wheelhouse.*
.wheelwright/
.git
.venv
**/__pycache__
*.egg-info
build/
dist/
`,
  };
}
