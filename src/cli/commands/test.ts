// `wheelwright test [-- CMD...]`, the seed's `make test`, done right: a fresh container from the
// builder image (or docker/dev) installs the application with its test extra from the wheelhouse
// only (--no-index), then runs the test command from an empty folder outside the source, so the
// installed wheel is what gets tested.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { normalizeName } from "../../domain/names.js";
import { shellQuote } from "../../domain/shell-quote.js";
import { InputError, IntegrityError, TestsFailedError } from "../../errors.js";
import { newRunId } from "../../execute/wheelhouse.js";
import { nonSourcePaths } from "../../project/build-inputs.js";
import { resolveIndexSettings } from "../../project/pip-config.js";
import { readSourceTree } from "../../project/source-tree.js";
import { BuilderFactory } from "../builder-factory.js";
import { loadSessionProject, type Session } from "../session.js";
import { currentWheelhouse } from "../wheelhouse-state.js";

export interface TestOptions {
  junitXml?: string;
}

/** Exit code of the script when pip cannot install from the wheelhouse alone. */
const INSTALL_FAILED = 97;

const SCRIPT = `set -e
python3 -m venv "$WW_ROOT/venv"
"$WW_ROOT/venv/bin/pip" install -q --no-index --disable-pip-version-check --find-links "$WW_ROOT/wheels" "$WW_REQUIREMENT" || exit ${INSTALL_FAILED}
mkdir -p "$WW_ROOT/run" && cd "$WW_ROOT/run"
export PATH="$WW_ROOT/venv/bin:$PATH"
exec sh -c "$WW_TEST_COMMAND"`;

export async function testCommand(
  session: Session,
  command: string[] | undefined,
  options: TestOptions,
): Promise<void> {
  const project = loadSessionProject(session);
  const extra = normalizeName(project.config.testExtra.value);
  const junit = options.junitXml === undefined ? undefined : path.resolve(session.cwd, options.junitXml);
  if (junit !== undefined && existsSync(junit) && statSync(junit).isDirectory()) {
    throw new InputError(`--junit-xml ${options.junitXml} is a folder; give a file path`);
  }
  const manifest = await currentWheelhouse(session, project, "test");
  if (!manifest.inputs.extras.includes(extra)) {
    throw new InputError(`The wheelhouse holds no wheels for the '${extra}' extra`, {
      hint: `Run \`wheelwright build ${extra}\` first, then \`wheelwright test\`.`,
    });
  }
  const devFolder = path.join(project.imagesDir, project.config.devContext.value);
  const context = existsSync(path.join(devFolder, "Dockerfile"))
    ? project.config.devContext.value
    : project.config.builderContext.value;
  const index = await resolveIndexSettings(project.config, session.runner, session.env);
  const prepared = await new BuilderFactory(session, project, index, newRunId(), context).prepare();
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
    const root = path.posix.dirname(sandbox.paths.source);
    const testLine = (
      command === undefined ? project.config.testCommand.value : command.map(shellQuote).join(" ")
    ).replaceAll("{source}", sandbox.paths.source);
    session.emit({
      type: "notice",
      message: `testing ${manifest.app.name}[${extra}] from the wheelhouse: ${testLine}`,
    });
    const env: Record<string, string> = {
      WW_ROOT: root,
      WW_REQUIREMENT: `${manifest.app.name}[${extra}]`,
      WW_TEST_COMMAND: testLine,
      PIP_CONFIG_FILE: "/dev/null",
    };
    if (junit !== undefined) env.PYTEST_ADDOPTS = `--junitxml=${sandbox.paths.out}/junit.xml`;
    const result = await sandbox.run(["sh", "-c", SCRIPT], {
      env,
      workdir: root,
      inheritStdio: true,
      signal: session.signal,
    });
    session.signal.throwIfAborted();
    if (junit !== undefined) {
      const out = path.join(path.dirname(junit), `.wheelwright-junit-${process.pid}`);
      mkdirSync(out, { recursive: true });
      await sandbox.takeOutput(out);
      const report = readdirSync(out).includes("junit.xml") ? path.join(out, "junit.xml") : undefined;
      if (report !== undefined) renameSync(report, junit);
      rmSync(out, { recursive: true, force: true });
      if (report !== undefined)
        session.emit({ type: "notice", message: `JUnit report: ${path.relative(session.cwd, junit)}` });
      else
        session.emit({
          type: "warning",
          message: "the test command wrote no JUnit report (--junit-xml works with pytest)",
        });
    }
    if (result.exitCode === INSTALL_FAILED) {
      throw new IntegrityError(
        `The wheelhouse could not install ${manifest.app.name}[${extra}] on its own (pip --no-index failed)`,
        {
          hint: `Run \`wheelwright build ${extra}\` again; the pip error above names what is missing.`,
        },
      );
    }
    if (result.exitCode !== 0) {
      throw new TestsFailedError(`The tests failed (${testLine} exited ${result.exitCode})`, {
        hint: "The test output above shows which tests failed.",
      });
    }
    session.out(`${manifest.app.name}: tests passed (${testLine})\n`);
  } finally {
    await sandbox.close();
  }
}
