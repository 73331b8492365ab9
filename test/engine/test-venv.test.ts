// `wheelwright test`'s environment, made in the run's real builder image by the script the test plan
// gives it (PREPARE_SCRIPT): the venv has no pip of its own where the builder's pip can install into it
// (pip 22.3+, --python), and one of its own where it cannot; the pins come from the wheelhouse alone,
// with no bytecode compiled; a pin the wheelhouse lacks is the install failure's exit code.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { INSTALL_FAILED, PREPARE_SCRIPT } from "../../src/plan/test-plan.js";
import { engineOrSkip } from "../support/engine.js";
import { RUN_LABEL, testRun } from "../support/test-run.js";

const WHEELS = ["six-1.17.0-py2.py3-none-any.whl", "iniconfig-2.3.0-py3-none-any.whl"];
const PINS = "six==1.17.0 iniconfig==2.3.0";
// Stands in for a builder whose pip predates --python: the version check fails, all else is python3.
const OLD_PIP_PYTHON = `#!/bin/sh
case "$2" in *__version__*) exit 1 ;; esac
PATH=\${PATH#*:}
exec python3 "$@"
`;

/** Runs the prepare script in the builder, then `after` (sh) in the same container; stdout and exit code. */
async function prepareIn(pins: string, options: { oldPip?: boolean; after: string }) {
  const host = mkdtempSync(path.join(testRun().tempRoot, "test-venv-"));
  mkdirSync(path.join(host, "wheels"));
  for (const wheel of WHEELS)
    copyFileSync(path.join("/opt/pypi/files", wheel), path.join(host, "wheels", wheel));
  mkdirSync(path.join(host, "fake"));
  writeFileSync(path.join(host, "fake", "python3"), OLD_PIP_PYTHON, { mode: 0o755 });
  writeFileSync(path.join(host, "prepare.sh"), PREPARE_SCRIPT);
  const script = `mkdir -p /w/src /w/out /w/home
${options.oldPip ? 'export PATH="/host/fake:$PATH"' : ""}
sh /host/prepare.sh || exit $?
${options.after}`;
  // biome-ignore format: one flag per line reads better here
  return execa("docker", [
    "run", "--rm", "--network", "none", "--label", `${RUN_LABEL}=${testRun().id}`,
    "-v", `${host}:/host:ro`, "--entrypoint", "sh",
    "-e", "WW_VENV=/w/venv", "-e", "WW_WHEELS=/host/wheels", "-e", `WW_PINS=${pins}`,
    "-e", "WW_SOURCE=/w/src", "-e", "WW_OUT=/w/out", "-e", "WW_HOME=/w/home", "-e", "PIP_CONFIG_FILE=/dev/null",
    testRun().builderImage, "-c", script,
  ], { reject: false });
}

const CHECK = `/w/venv/bin/python -c 'import six, iniconfig; print("imported", six.__version__)'
if [ -e /w/venv/bin/pip ]; then echo "venv pip: yes"; else echo "venv pip: no"; fi
echo "pyc: $(find /w/venv -name '*.pyc' | wc -l)"
stat -c 'var: %a' /w/venv/var`;

describe.skipIf(engineOrSkip())("the test environment in the builder (real engine)", () => {
  it("with the builder's pip (22.3+): a venv without pip of its own, the pins installed, nothing compiled", async () => {
    const result = await prepareIn(PINS, { after: CHECK });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("imported 1.17.0");
    expect(result.stdout).toContain("venv pip: no");
    expect(result.stdout).toContain("pyc: 0");
    expect(result.stdout).toContain("var: 1777");
  });

  it("with a pip older than --python: a venv with its own pip installs the pins", async () => {
    const result = await prepareIn(PINS, { oldPip: true, after: CHECK });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("imported 1.17.0");
    expect(result.stdout).toContain("venv pip: yes");
  });

  it("a pin the wheelhouse lacks: the install failure's exit code", async () => {
    const result = await prepareIn(`${PINS} attrs==99.0`, { after: "echo unreachable" });
    expect(result.exitCode).toBe(INSTALL_FAILED);
    expect(result.stdout).not.toContain("unreachable");
  });
});
