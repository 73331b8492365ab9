// `wheelwright build [EXTRA...]` (the seed's `make build` / `make build test`) and
// `wheelwright build -- CMD...` (the seed's `make build cmd ...`).
import type { LoadedProject } from "../config/load.js";
import { urlSecrets } from "../domain/index-settings.js";
import { normalizeName } from "../domain/names.js";
import { parseSourceDateEpoch } from "../domain/source-date-epoch.js";
import { InputError } from "../errors.js";
import { unknownExtraError } from "../execute/helper-result.js";
import { type BuildOutcome, runBuild } from "../execute/run-build.js";
import { readManifest } from "../execute/wheelhouse.js";
import type { BuildRequest } from "../project/build-inputs.js";
import { nonSourcePaths } from "../project/build-inputs.js";
import { readCommitTime } from "../project/git.js";
import { resolveIndexSettings } from "../project/pip-config.js";
import { readSourceTree } from "../project/source-tree.js";
import { expectedBuilderId, prepareBuilder } from "./builder.js";
import type { WorkflowContext } from "./context.js";
import { commitTimesFile, projectStore } from "./result-store.js";

export interface BuildWheelhouseRequest extends BuildRequest {
  force: boolean;
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

export async function buildWheelhouse(
  ctx: WorkflowContext,
  project: LoadedProject,
  request: BuildWheelhouseRequest,
): Promise<BuildOutcome> {
  precheck(project, request);
  const sourceDateEpoch =
    parseSourceDateEpoch(ctx.env.SOURCE_DATE_EPOCH) ??
    (await readCommitTime(project.root, ctx.runner, ctx.env, commitTimesFile(ctx)));
  const index = resolveIndexSettings(project.config, ctx.env);
  ctx.addSecrets(urlSecrets([index.indexUrl ?? "", ...index.extraIndexUrls, ...index.findLinks]));
  const runId = ctx.newRunId();
  const choice = { project, context: project.config.builderContext.value };
  return runBuild({
    project,
    request,
    force: request.force,
    index,
    builderId: await expectedBuilderId(ctx, choice, readManifest(project.wheelhouseDir)),
    prepare: () => prepareBuilder(ctx, choice, index, runId),
    store: projectStore(ctx, project),
    sourceDateEpoch,
    toolVersion: ctx.toolVersion,
    runId,
    emit: ctx.emit,
    signal: ctx.signal,
    clock: ctx.clock,
  });
}

/** `build -- CMD`: CMD in the builder with the source copied in; its exit code is returned. */
export async function runInBuilder(
  ctx: WorkflowContext,
  project: LoadedProject,
  command: readonly string[],
): Promise<number> {
  if (command.length === 0)
    throw new InputError("Nothing to run after `--` (e.g. `wheelwright build -- pip -V`)");
  const index = resolveIndexSettings(project.config, ctx.env);
  ctx.addSecrets(urlSecrets([index.indexUrl ?? "", ...index.extraIndexUrls, ...index.findLinks]));
  const choice = { project, context: project.config.builderContext.value };
  const prepared = await prepareBuilder(ctx, choice, index, ctx.newRunId());
  const sandbox = await prepared.startSandbox();
  try {
    const tree = readSourceTree(project.sourceDir, nonSourcePaths(project));
    await sandbox.putSource(
      tree.files.map((f) => f.path),
      tree.dir,
    );
    const result = await sandbox.run([...command], {
      workdir: sandbox.paths.source,
      inheritStdio: true,
      signal: ctx.signal,
    });
    ctx.signal.throwIfAborted();
    return result.exitCode;
  } finally {
    await sandbox.close();
  }
}
