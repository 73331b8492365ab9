// Small edits of a fixture project (fixtures.ts) for the fault tests: its dependencies, a key of its
// [tool.wheelwright] table, a release image folder; each committed, so the tree stays clean.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execaSync } from "execa";
import { cacheVolumeName, projectId } from "../../src/domain/labels.js";
import { GIT_ENV } from "./fixtures.js";
import { testRun } from "./test-run.js";

/** The engine-side names of a fixture project called `scenario` (in `namespace`, default the fixtures'). */
export function projectNames(scenario: string, namespace = testRun().namespace) {
  return {
    project: projectId(namespace, scenario),
    cacheVolume: cacheVolumeName(namespace, scenario),
    releaseRepository: `${namespace}/${scenario}-release`,
  };
}

export function commitAll(root: string, message: string): void {
  execaSync("git", ["add", "-A"], { cwd: root, env: GIT_ENV });
  execaSync("git", ["commit", "-qm", message], { cwd: root, env: GIT_ENV });
}

function editPyproject(root: string, edit: (text: string) => string): void {
  const file = path.join(root, "pyproject.toml");
  writeFileSync(file, edit(readFileSync(file, "utf8")));
}

/** Sets `[project] dependencies` and commits. */
export function setDependencies(root: string, deps: readonly string[]): void {
  editPyproject(root, (text) =>
    text.replace(/^dependencies = .*$/m, `dependencies = ${JSON.stringify(deps)}`),
  );
  commitAll(root, `dependencies: ${deps.join(" ")}`);
}

/**
 * Sets a key of [tool.wheelwright] (the last table fixtures.ts writes) to a TOML value, replacing
 * the line that sets it or adding one, and commits. Values are JSON, which TOML reads alike here.
 */
export function setToolKey(root: string, key: string, value: unknown): void {
  const line = `${key} = ${JSON.stringify(value)}`;
  editPyproject(root, (text) => {
    const pattern = new RegExp(`^${key.replace(/[-]/g, "\\-")} = .*$`, "m");
    return pattern.test(text) ? text.replace(pattern, line) : `${text.replace(/\n*$/, "\n")}${line}\n`;
  });
  commitAll(root, `config: ${key}`);
}

/**
 * `docker/release` as the polls example has it (build stages install the hash-pinned wheels, only
 * the installed files reach the final stage, the base's non-root user 10001), with a command that
 * imports the app.
 */
export function addReleaseFolder(root: string, module: string): void {
  const install = (set: string) =>
    `COPY wheels/${set}/ /tmp/wheels/${set}/\nRUN pip install --no-index --find-links /tmp/wheels/${set} --no-deps --require-hashes \\\n      --disable-pip-version-check --prefix /release/appenv -r /tmp/wheels/${set}/requirements.txt\n`;
  const dockerfile = [
    `ARG BASE_IMAGE=${testRun().baseImage}`,
    `FROM \${BASE_IMAGE} AS deps\n${install("deps")}`,
    `FROM \${BASE_IMAGE} AS app\n${install("app")}`,
    "FROM ${BASE_IMAGE}",
    `CMD ["python", "-c", "import ${module}"]`,
    "COPY --from=deps /release/ /",
    "COPY --from=app /release/ /",
    "USER 10001",
    "",
  ].join("\n");
  mkdirSync(path.join(root, "docker", "release"), { recursive: true });
  writeFileSync(path.join(root, "docker", "release", "Dockerfile"), dockerfile);
  commitAll(root, "release image");
}
