// The builder helper's own pytest suite (test/python) as part of `npm test`: it runs processes
// (pip, compilers), so it cannot run in the unit tier. Twice, each failing the run when pytest fails:
// - inside the run's builder image, where the helper runs for real: the whole suite, with pytest
//   installed into a throwaway venv in the container from the machine's local index (mounted
//   read-only, no network), the repository mounted read-only, as the image's non-root user;
// - on the host's Python (the local engine's), the fast part (`-m "not slow"`, as `npm run check`
//   runs it): the slow tests build real wheels, which the builder run above already covers.
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/cli.js";
import { engineOrSkip } from "../support/engine.js";
import { RUN_LABEL, testRun } from "../support/test-run.js";

/** The machine's local package index (index-url file:///opt/pypi/simple; its files lie beside it). */
const LOCAL_INDEX = "/opt/pypi";
const PYTEST_ARGS = ["-m", "pytest", "test/python", "-q", "-p", "no:cacheprovider"];

/** pytest's verdict: exit 0 and a closing line with passed tests and no failure or error. */
function expectPassed(result: { exitCode?: number; stdout: unknown; stderr: unknown }): void {
  const output = `${String(result.stdout)}\n${String(result.stderr)}`;
  expect(result.exitCode, output.slice(-6000)).toBe(0);
  const summary = output.trim().split("\n").at(-1) ?? "";
  expect(summary).toMatch(/\b[1-9]\d* passed\b/);
  expect(summary).not.toMatch(/\b(failed|error|errors)\b/);
}

describe.skipIf(engineOrSkip())("the helper's pytest suite", () => {
  it("passes inside the builder image (every test, slow ones included)", async () => {
    const run = testRun();
    const script = [
      "set -e",
      "python3 -m venv /tmp/pytest-venv",
      `/tmp/pytest-venv/bin/pip install -q --disable-pip-version-check --index-url file://${LOCAL_INDEX}/simple pytest`,
      "cd /repo",
      `exec /tmp/pytest-venv/bin/python ${PYTEST_ARGS.join(" ")}`,
    ].join("\n");
    const result = await execa(
      "docker",
      [
        "run",
        "--rm",
        "--name",
        `${run.namespace}-helper-pytest`,
        "--label",
        `${RUN_LABEL}=${run.id}`,
        "--network",
        "none",
        "--user",
        "10001:10001",
        "--mount",
        `type=bind,source=${REPO_ROOT},target=/repo,readonly`,
        "--mount",
        `type=bind,source=${LOCAL_INDEX},target=${LOCAL_INDEX},readonly`,
        "--env",
        "HOME=/tmp",
        "--env",
        "PYTHONDONTWRITEBYTECODE=1",
        "--entrypoint",
        "sh",
        run.builderImage,
        "-c",
        script,
      ],
      { reject: false, stdin: "ignore" },
    );
    expectPassed(result);
  });

  it("passes on the host's Python (the fast tests)", async () => {
    const result = await execa("python3", [...PYTEST_ARGS, "-m", "not slow"], {
      cwd: REPO_ROOT,
      reject: false,
      stdin: "ignore",
      env: { PYTHONDONTWRITEBYTECODE: "1" },
    });
    expectPassed(result);
  });
});
