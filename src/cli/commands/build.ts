// `wheelwright build [EXTRA...]` (the seed's `make build` / `make build test`) and
// `wheelwright build -- CMD...` (the seed's `make build cmd ...`).

import path from "node:path";
import type { LoadedProject } from "../../config/load.js";
import { createRedactor, urlSecrets } from "../../domain/index-settings.js";
import { projectId } from "../../domain/labels.js";
import { normalizeName } from "../../domain/names.js";
import { parseSourceDateEpoch } from "../../domain/source-date-epoch.js";
import { InputError } from "../../errors.js";
import { unknownExtraError } from "../../execute/helper-result.js";
import { localCacheDir } from "../../execute/local-sandbox.js";
import { ResultStore } from "../../execute/result-store.js";
import { type BuildOutcome, runBuild } from "../../execute/run-build.js";
import type { BuildSandbox } from "../../execute/sandbox.js";
import { newRunId, readManifest } from "../../execute/wheelhouse.js";
import type { BuildRequest } from "../../project/build-inputs.js";
import { nonSourcePaths } from "../../project/build-inputs.js";
import { readCommitTime } from "../../project/git.js";
import { resolveIndexSettings } from "../../project/pip-config.js";
import { readSourceTree } from "../../project/source-tree.js";
import { BuilderFactory } from "../builder-factory.js";
import { loadSessionProject, type Session } from "../session.js";

export interface BuildCommandOptions {
  group?: string[];
  requirement?: string[];
  force?: boolean;
}

/** Checks what can be checked without running the project's code or calling the engine. */
function precheck(project: LoadedProject, request: BuildRequest): void {
  const { metadata } = project;
  if (metadata.hasProjectTable && metadata.name === undefined) {
    throw new InputError("The project has no name: pyproject.toml's [project] table lacks `name`", {
      hint: 'Add `name = "..."` to [project] (pip would otherwise build an UNKNOWN-0.0.0 wheel).',
    });
  }
  const unknownExtras =
    metadata.extras === undefined
      ? []
      : request.extras.map(normalizeName).filter((e) => !metadata.extras!.includes(e));
  const unknownGroups = request.groups.map(normalizeName).filter((g) => !metadata.groups.includes(g));
  if (unknownExtras.length > 0 || unknownGroups.length > 0) {
    throw unknownExtraError(unknownExtras, unknownGroups, metadata.extras ?? [], metadata.groups);
  }
}

/** The result store of this project (one per project, so `clean --all` removes only its own). */
export function projectStore(session: Session, project: LoadedProject): ResultStore {
  const id = projectId(project.config.namespace.value, project.config.app.value).replace(
    /[^a-z0-9_.-]+/g,
    "-",
  );
  return new ResultStore(path.join(localCacheDir(session.env), "store", id));
}

export async function buildCommand(
  session: Session,
  extras: string[],
  options: BuildCommandOptions,
  passthrough: string[] | undefined,
): Promise<void> {
  const project = loadSessionProject(session);
  const request: BuildRequest = {
    extras,
    groups: options.group ?? [],
    requirements: options.requirement ?? [],
  };
  if (passthrough === undefined) precheck(project, request);
  const sourceDateEpoch =
    parseSourceDateEpoch(session.env.SOURCE_DATE_EPOCH) ??
    (await readCommitTime(project.root, session.runner));
  const index = await resolveIndexSettings(project.config, session.runner, session.env);
  session.setRedactor(
    createRedactor(urlSecrets([index.indexUrl ?? "", ...index.extraIndexUrls, ...index.findLinks])),
  );

  const runId = newRunId();
  const builders = new BuilderFactory(session, project, index, runId);
  if (passthrough !== undefined) {
    const prepared = await builders.prepare();
    session.exitCode = await runInBuilder(session, project, prepared.startSandbox, passthrough);
    return;
  }
  const started = session.clock();
  const outcome = await runBuild({
    project,
    request,
    force: options.force === true,
    index,
    builderId: await builders.expectedBuilderId(readManifest(project.wheelhouseDir)),
    prepare: () => builders.prepare(),
    store: projectStore(session, project),
    sourceDateEpoch,
    toolVersion: session.toolVersion,
    runId,
    emit: session.emit,
    signal: session.signal,
    clock: session.clock,
  });
  printSummary(session, outcome, (session.clock() - started) / 1000);
}

async function runInBuilder(
  session: Session,
  project: LoadedProject,
  startSandbox: () => Promise<BuildSandbox>,
  command: string[],
): Promise<number> {
  if (command.length === 0)
    throw new InputError("Nothing to run after `--` (e.g. `wheelwright build -- pip -V`)");
  const sandbox = await startSandbox();
  try {
    const tree = readSourceTree(project.sourceDir, nonSourcePaths(project));
    await sandbox.putSource(
      tree.files.map((f) => f.path),
      tree.dir,
    );
    const result = await sandbox.run(command, {
      workdir: sandbox.paths.source,
      inheritStdio: true,
      signal: session.signal,
    });
    session.signal.throwIfAborted();
    return result.exitCode;
  } finally {
    await sandbox.close();
  }
}

function printSummary(session: Session, outcome: BuildOutcome, seconds: number): void {
  const { manifest } = outcome;
  if (session.json) {
    session.out(
      `${JSON.stringify({ version: 1, status: outcome.status, mode: outcome.mode.kind, wheelhouse: outcome.wheelhouse, seconds, manifest }, null, 2)}\n`,
    );
    return;
  }
  const rel = path.relative(session.cwd, outcome.wheelhouse) || ".";
  if (outcome.status === "up-to-date") {
    session.out(`${rel}: up to date (${manifest.wheels.length} wheels, inputs unchanged)\n`);
    return;
  }
  const lines = manifest.wheels.map(
    (w) =>
      `  ${w.filename.padEnd(60)} ${(w.size / 1024).toFixed(0).padStart(7)} KiB  ${w.origin.padEnd(7)}  ${w.sha256.slice(0, 12)}  ${w.sets.join(",")}`,
  );
  const total = manifest.wheels.reduce((sum, w) => sum + w.size, 0);
  session.out(
    `${lines.join("\n")}\n${rel}: ${manifest.wheels.length} wheels, ${(total / 1024 / 1024).toFixed(1)} MiB, ${seconds.toFixed(1)} s (${outcome.mode.reason})\n`,
  );
}
