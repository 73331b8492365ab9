// `wheelwright test [-- CMD...]`, the seed's `make test`, done right: a fresh container from the
// builder image (or docker/dev) installs the application with its test set from the wheelhouse only
// (--no-index), then runs the test command from an empty folder outside the source, so the installed
// wheel is what gets tested.
import { existsSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import type { LoadedProject } from "../config/load.js";
import { normalizeName } from "../domain/names.js";
import { shellQuote } from "../domain/shell-quote.js";
import { InputError, IntegrityError, TestsFailedError } from "../errors.js";
import { receiveReportFile } from "../execute/report-file-output.js";
import type { BuildSandbox } from "../execute/sandbox.js";
import { lockWheelhouse } from "../execute/wheelhouse-lock.js";
import { nonSourcePaths } from "../project/build-inputs.js";
import { resolveIndexSettings } from "../project/pip-config.js";
import { readSourceTree } from "../project/source-tree.js";
import { prepareBuilder } from "./builder.js";
import type { WorkflowContext } from "./context.js";
import { currentWheelhouse } from "./wheelhouse-state.js";

export interface TestRequest {
  /** A command instead of the configured test command (`test -- CMD`). */
  command: readonly string[] | undefined;
  /** Host path for pytest's JUnit report. */
  junitXml: string | undefined;
}

export interface TestResult {
  app: string;
  testLine: string;
  junit: string | undefined;
}

/** Exit code of the script when pip cannot install from the wheelhouse alone. */
const INSTALL_FAILED = 97;

const SCRIPT = `set -e
python3 -m venv "$WW_ROOT/venv"
"$WW_ROOT/venv/bin/pip" install -q --no-index --disable-pip-version-check --find-links "$WW_ROOT/wheels" "$WW_REQUIREMENT" || exit ${INSTALL_FAILED}
mkdir -p "$WW_ROOT/run" && cd "$WW_ROOT/run"
export PATH="$WW_ROOT/venv/bin:$PATH"
exec sh -c "$WW_TEST_COMMAND"`;

export async function runTests(
  ctx: WorkflowContext,
  project: LoadedProject,
  request: TestRequest,
): Promise<TestResult> {
  // Held while the wheels are read and the test container runs (no `clean` removes it meanwhile).
  const lock = lockWheelhouse(project.wheelhouseDir, "wheelwright test");
  try {
    return await testFromWheelhouse(ctx, project, request);
  } finally {
    lock.release();
  }
}

async function testFromWheelhouse(
  ctx: WorkflowContext,
  project: LoadedProject,
  request: TestRequest,
): Promise<TestResult> {
  const extra = normalizeName(project.config.testExtra.value);
  const manifest = await currentWheelhouse(ctx, project, "test");
  if (!manifest.inputs.extras.includes(extra)) {
    throw new InputError(`The wheelhouse holds no wheels for the '${extra}' extra`, {
      hint: `Run \`wheelwright build ${extra}\` first, then \`wheelwright test\`.`,
    });
  }
  const devFolder = path.join(project.imagesDir, project.config.devContext.value);
  const context = existsSync(path.join(devFolder, "Dockerfile"))
    ? project.config.devContext.value
    : project.config.builderContext.value;
  const index = resolveIndexSettings(project.config, ctx.env);
  const prepared = await prepareBuilder(ctx, { project, context }, index, ctx.newRunId());
  const sandbox = await prepared.startSandbox();
  try {
    const tree = readSourceTree(project.sourceDir, nonSourcePaths(project));
    await sandbox.putSource(
      tree.files.map((f) => f.path),
      tree.dir,
    );
    await sandbox.putWheels(
      manifest.wheels.map((w) => w.filename),
      project.wheelhouseDir,
    );
    const testLine = (
      request.command === undefined
        ? project.config.testCommand.value
        : request.command.map(shellQuote).join(" ")
    ).replaceAll("{source}", sandbox.paths.source);
    ctx.emit({
      type: "notice",
      message: `testing ${manifest.app.name}[${extra}] from the wheelhouse: ${testLine}`,
    });
    const exitCode = await runScript(
      ctx,
      sandbox,
      `${manifest.app.name}[${extra}]`,
      testLine,
      request.junitXml,
    );
    const junit =
      request.junitXml === undefined ? undefined : await takeJunit(ctx, sandbox, request.junitXml);
    if (exitCode === INSTALL_FAILED) {
      throw new IntegrityError(
        `The wheelhouse could not install ${manifest.app.name}[${extra}] on its own (pip --no-index failed)`,
        {
          hint: `Run \`wheelwright build ${extra}\` again; the pip error above names what is missing.`,
        },
      );
    }
    if (exitCode !== 0) {
      throw new TestsFailedError(`The tests failed (${testLine} exited ${exitCode})`, {
        hint: "The test output above shows which tests failed.",
      });
    }
    return { app: manifest.app.name, testLine, junit };
  } finally {
    await sandbox.close();
  }
}

async function runScript(
  ctx: WorkflowContext,
  sandbox: BuildSandbox,
  requirement: string,
  testLine: string,
  junitXml: string | undefined,
): Promise<number> {
  const root = path.posix.dirname(sandbox.paths.source);
  const env: Record<string, string> = {
    WW_ROOT: root,
    WW_REQUIREMENT: requirement,
    WW_TEST_COMMAND: testLine,
    PIP_CONFIG_FILE: "/dev/null",
  };
  if (junitXml !== undefined) env.PYTEST_ADDOPTS = `--junitxml=${sandbox.paths.out}/junit.xml`;
  const result = await sandbox.run(["sh", "-c", SCRIPT], {
    env,
    workdir: root,
    inheritStdio: true,
    signal: ctx.signal,
  });
  ctx.signal.throwIfAborted();
  return result.exitCode;
}

/** Copies pytest's JUnit report to the host path; undefined (with a warning) when there is none. */
async function takeJunit(
  ctx: WorkflowContext,
  sandbox: BuildSandbox,
  junit: string,
): Promise<string | undefined> {
  const pipe = new PassThrough();
  const [copied, received] = await Promise.allSettled([
    sandbox.readOutput(pipe),
    receiveReportFile(pipe, "junit.xml", junit, 256 * 1024 * 1024),
  ]);
  if (received.status === "rejected") throw received.reason;
  if (copied.status === "rejected") throw copied.reason;
  if (!received.value.found) {
    ctx.emit({
      type: "warning",
      message: "the test command wrote no JUnit report (--junit-xml works with pytest)",
    });
    return undefined;
  }
  return junit;
}
