// `wheelwright test [-- CMD...]`, the seed's `make test`, done right: a fresh container from the
// builder image (or docker/dev) installs the application and its test set from the wheelhouse only
// (--no-index), then runs the test command in a copy of the source as a non-root user, checking
// that the application the tests imported is the installed wheel.
import { existsSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import type { LoadedProject } from "../config/load.js";
import type { Manifest } from "../domain/manifest.js";
import { normalizeName } from "../domain/names.js";
import { noTestsWarning } from "../domain/no-tests-warning.js";
import { shellQuote } from "../domain/shell-quote.js";
import { buildCommandFor, setLabel, type TestSet } from "../domain/test-set.js";
import { InputError, IntegrityError, TestsFailedError } from "../errors.js";
import { receiveReportFile } from "../execute/report-file-output.js";
import type { BuildSandbox } from "../execute/sandbox.js";
import { wheelTopLevelModules } from "../execute/wheel-modules.js";
import { lockWheelhouse } from "../execute/wheelhouse-lock.js";
import {
  defaultTestCommand,
  INSTALL_FAILED,
  NO_TESTS_FOUND,
  planTestRun,
  SOURCE_IMPORTED,
  TESTS_NOT_IMPORTED,
  type TestPlan,
} from "../plan/test-plan.js";
import { nonSourcePaths } from "../project/build-inputs.js";
import { resolveIndexSettings } from "../project/pip-config.js";
import { readSourceTree } from "../project/source-tree.js";
import { readTestFolderFacts } from "../project/test-folders.js";
import { prepareBuilder } from "./builder.js";
import type { WorkflowContext } from "./context.js";
import { resolveTestSet } from "./test-set.js";
import { currentWheelhouse } from "./wheelhouse-state.js";

export interface TestRequest {
  /** A command instead of the configured test command (`test -- CMD`). */
  command: readonly string[] | undefined;
  /** Host path for pytest's JUnit report. */
  junitXml: string | undefined;
}

export interface TestResult {
  app: string;
  set: TestSet | undefined;
  testLine: string;
  junit: string | undefined;
  /** `passed`, or `no-tests`: the default runner found none (the summary says so, the run still succeeds). */
  outcome: "passed" | "no-tests";
}

const BASE_PATH = "/appenv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

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

/** The wheels the test environment installs: the app, and every wheel of the test set, pinned. */
function testPins(manifest: Manifest, set: TestSet | undefined): string[] {
  const label = set === undefined ? undefined : setLabel(set);
  return manifest.wheels
    .filter(
      (wheel) => wheel.name === manifest.app.name || (label !== undefined && wheel.sets.includes(label)),
    )
    .map((wheel) => `${wheel.name}==${wheel.version}`);
}

function wasRequested(manifest: Manifest, set: TestSet): boolean {
  const { inputs } = manifest;
  if (set.kind === "requirements") return inputs.requirements.includes(set.name);
  const asked = set.kind === "extra" ? inputs.extras : inputs.groups;
  return asked.some((name) => normalizeName(name) === set.name);
}

/** The wheelhouse's manifest and the test set, checked to be there; the image folder tests run in. */
export async function testInputs(ctx: WorkflowContext, project: LoadedProject) {
  const set = resolveTestSet(project);
  const manifest = await currentWheelhouse(ctx, project, "test");
  // Asked for when the wheelhouse was built, not "has wheels": an empty extra (`test = []`) is built too.
  if (set !== undefined && !wasRequested(manifest, set)) {
    throw new InputError(`The wheelhouse was built without the test set (${setLabel(set)}, ${set.why})`, {
      hint: `Run \`${buildCommandFor(set)}\` first, then \`wheelwright test\`.`,
    });
  }
  const context = existsSync(path.join(project.imagesDir, project.config.devContext.value, "Dockerfile"))
    ? project.config.devContext.value
    : project.config.builderContext.value;
  return { set, manifest, context };
}

async function testFromWheelhouse(
  ctx: WorkflowContext,
  project: LoadedProject,
  request: TestRequest,
): Promise<TestResult> {
  const { set, manifest, context } = await testInputs(ctx, project);
  const index = resolveIndexSettings(project.config, ctx.env);
  const prepared = await prepareBuilder(ctx, { project, context }, index, ctx.newRunId());
  const sandbox = await prepared.startSandbox();
  try {
    const plan = await planFor(project, manifest, set, request, sandbox);
    ctx.emit({
      type: "notice",
      message: `testing ${manifest.app.name}${set === undefined ? " (no test set found: only its runtime wheels are installed)" : ` with ${setLabel(set)} (${set.why})`}: ${plan.testLine}`,
    });
    const exitCode = await runPlan(ctx, project, manifest, sandbox, plan);
    const junit =
      request.junitXml === undefined ? undefined : await takeJunit(ctx, sandbox, request.junitXml);
    if (exitCode === NO_TESTS_FOUND && plan.testLine.includes("wheelwright_unittest")) {
      const warning = noTestsWarning(readTestFolderFacts(project.sourceDir), set !== undefined);
      if (warning !== undefined) ctx.emit({ type: "warning", message: warning });
      return { app: manifest.app.name, set, testLine: plan.testLine, junit, outcome: "no-tests" };
    }
    judgeExit(exitCode, plan.testLine, manifest, set, plan.command);
    return { app: manifest.app.name, set, testLine: plan.testLine, junit, outcome: "passed" };
  } finally {
    await sandbox.close();
  }
}

export async function planFor(
  project: LoadedProject,
  manifest: Manifest,
  set: TestSet | undefined,
  request: TestRequest,
  sandbox: Pick<BuildSandbox, "paths">,
): Promise<TestPlan> {
  const pins = testPins(manifest, set);
  const appModules = await wheelTopLevelModules(
    path.join(project.wheelhouseDir, manifest.app.filename),
    manifest.app.filename,
  );
  const command =
    request.command?.map(shellQuote).join(" ") ??
    project.config.testCommand.value ??
    defaultTestCommand({
      hasPytest: pins.some((pin) => pin.startsWith("pytest==")),
      hasManagePy: existsSync(path.join(project.sourceDir, "manage.py")),
      appModules,
      hasTestsFolder: existsSync(path.join(project.sourceDir, "tests")),
    });
  return planTestRun({
    paths: sandbox.paths,
    pins,
    command,
    appModules,
    junit: request.junitXml !== undefined,
    basePath: BASE_PATH,
  });
}

async function runPlan(
  ctx: WorkflowContext,
  project: LoadedProject,
  manifest: Manifest,
  sandbox: BuildSandbox,
  plan: TestPlan,
): Promise<number> {
  const tree = readSourceTree(project.sourceDir, nonSourcePaths(project));
  // The source and the wheels go in with one copy.
  await sandbox.putInputs({
    source: { files: tree.files.map((f) => f.path), dir: tree.dir },
    wheels: { files: manifest.wheels.map((w) => w.filename), dir: project.wheelhouseDir },
    files: [],
  });
  const prepared = await sandbox.run(plan.prepare.argv, {
    env: plan.prepare.env,
    workdir: plan.prepare.workdir,
    inheritStdio: true,
    signal: ctx.signal,
  });
  ctx.signal.throwIfAborted();
  if (prepared.exitCode !== 0)
    return prepared.exitCode === INSTALL_FAILED ? INSTALL_FAILED : prepared.exitCode;
  const result = await sandbox.run(plan.run.argv, {
    env: plan.run.env,
    workdir: plan.run.workdir,
    ...(plan.run.user === undefined ? {} : { user: plan.run.user }),
    inheritStdio: true,
    signal: ctx.signal,
  });
  ctx.signal.throwIfAborted();
  return result.exitCode;
}

function judgeExit(
  exitCode: number,
  testLine: string,
  manifest: Manifest,
  set: TestSet | undefined,
  command: string,
): void {
  if (exitCode === 0) return;
  const installing = `${manifest.app.name}${set === undefined ? "" : ` and ${setLabel(set)}`}`;
  if (exitCode === INSTALL_FAILED)
    throw new IntegrityError(
      `The wheelhouse could not install ${installing} on its own (pip --no-index failed)`,
      {
        hint: `Run \`${buildCommandFor(set)}\` again; the pip error above names what is missing.`,
      },
    );
  if (exitCode === SOURCE_IMPORTED)
    throw new TestsFailedError(
      "The tests imported the application from the source copy, not from the installed wheel",
      {
        hint: "The line above names the module and the file. Something put the source first on sys.path (a conftest.py, a pythonpath setting, a sys.path.insert): remove it, so the tests test the wheel.",
      },
    );
  if (exitCode === TESTS_NOT_IMPORTED && testLine.includes("wheelwright_unittest"))
    throw new InputError(
      "No test ran: unittest discovery found test modules, and none of them could be imported (the lines above name what is missing)",
      {
        hint:
          set === undefined
            ? "No test set was found (an extra, a dependency group or a requirements file named test, tests, testing or dev): declare the test dependencies in one, or name yours with test-extra, test-group or test-requirements in wheelwright.toml; with pytest in the set, `wheelwright test` runs pytest."
            : `The test set (${setLabel(set)}) does not install what the tests import: add it there, run \`${buildCommandFor(set)}\`, then test again.`,
      },
    );
  if (exitCode === 127 || exitCode === 126)
    throw new InputError(
      `The test command \`${testLine}\` was not found in the test environment (exit ${exitCode})`,
      {
        hint: `Add the test runner to the test set (${set === undefined ? "there is none: set test-extra, test-group or test-requirements" : setLabel(set)}), or make \`test-command\` a command the set installs.`,
      },
    );
  if (exitCode === 5 && /\bpytest\b/.test(testLine))
    throw new TestsFailedError("pytest collected no tests (exit 5)", {
      hint: 'Point the test command at the tests (`test-command = "pytest tests"`), or set `test-command` to what the project runs instead.',
    });
  throw new TestsFailedError(`The tests failed (${testLine} exited ${exitCode})`, {
    hint: scriptHint(command) ?? "The test output above shows which tests failed.",
  });
}

/**
 * `python path/to/script.py`: the tests run with PYTHONSAFEPATH=1 (so the source copy never comes
 * before the wheel), which also keeps the script's own folder off sys.path: a `No module named`
 * error then has a cause the output cannot show. `command` is the test command as configured
 * (with `{source}` unexpanded), so the hint reads in the config's terms.
 */
export function scriptHint(command: string): string | undefined {
  const match = /\bpython3?\s+(?:-\S+\s+)*(["']?)([^\s"']+\.py)\1(?:\s|$)/.exec(command);
  if (match === null) return undefined;
  const script = match[2]!;
  const folder = script.includes("/") ? script.replace(/\/[^/]*$/, "") : undefined;
  const onPath =
    folder === undefined
      ? "$PWD"
      : folder.startsWith("/") || folder.startsWith("{source}")
        ? folder
        : `{source}/${folder.replace(/^\.\//, "")}`;
  return `The test output above shows which tests failed. If it is a \`No module named\` error: tests run with PYTHONSAFEPATH=1, which keeps a script's own folder (${folder ?? "the working folder"}) off sys.path; add it with \`PYTHONPATH="$PYTHONPATH:${onPath}"\` in front of \`python\`.`;
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
