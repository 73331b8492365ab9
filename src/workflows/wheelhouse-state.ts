// Whether the wheelhouse can be used by `release` and `test`: it exists, every file matches its
// manifest, and it was built from the current tree (same fingerprint, recomputed now).
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import type { Manifest } from "../domain/manifest.js";
import { parseSourceDateEpoch } from "../domain/source-date-epoch.js";
import { InputError, IntegrityError } from "../errors.js";
import { findDamagedFiles, readManifest } from "../execute/wheelhouse.js";
import { changedInputs } from "../plan/build-plan.js";
import { collectBuildInputs } from "../project/build-inputs.js";
import { readCommitTime } from "../project/git.js";
import { resolveIndexSettings } from "../project/pip-config.js";
import { commitAndLockInputs } from "./build-decision.js";
import { expectedBuilderId } from "./builder.js";
import type { WorkflowContext } from "./context.js";
import { commitTimesFile } from "./result-store.js";

/**
 * The wheelhouse `release` and `test` may use: it exists, every file matches its manifest, and it
 * was built from the current tree.
 */
export async function currentWheelhouse(
  ctx: WorkflowContext,
  project: LoadedProject,
  command: string,
): Promise<Manifest> {
  const manifest = intactWheelhouse(project, command);
  await checkBuiltFromCurrentInputs(ctx, project, manifest, command);
  return manifest;
}

/** The wheelhouse's manifest, once every wheel and the pinned requirements match it. */
function intactWheelhouse(project: LoadedProject, command: string): Manifest {
  const where = project.config.wheelhouse.value;
  const manifest = readManifest(project.wheelhouseDir);
  if (manifest === undefined) {
    throw new InputError(`There is no wheelhouse at ${where} (no ${where}/manifest.json)`, {
      hint: `Run \`wheelwright build${command === "test" ? " test" : ""}\` first, then \`wheelwright ${command}\`.`,
    });
  }
  const damaged = findDamagedFiles(project.wheelhouseDir, manifest);
  if (damaged.length > 0) {
    throw new IntegrityError(
      `The wheelhouse does not match its manifest: ${damaged.join(", ")} changed or missing`,
      {
        hint: "A wheel, the pinned requirements or the SBOM were changed after the build. Run `wheelwright build`: it rebuilds a damaged wheelhouse.",
      },
    );
  }
  return manifest;
}

/** Refuses a wheelhouse whose recorded fingerprint is not the current inputs' one, naming what changed. */
async function checkBuiltFromCurrentInputs(
  ctx: WorkflowContext,
  project: LoadedProject,
  manifest: Manifest,
  command: string,
): Promise<void> {
  const where = project.config.wheelhouse.value;
  const index = resolveIndexSettings(project.config, ctx.env);
  const inputs = collectBuildInputs({
    project,
    request: {
      extras: manifest.inputs.extras,
      groups: manifest.inputs.groups,
      // The manifest records them relative to the source; a request names them from the project root.
      requirements: manifest.inputs.requirements.map((file) =>
        path.relative(project.root, path.join(project.sourceDir, file)).split(path.sep).join("/"),
      ),
    },
    index,
    builderId: await expectedBuilderId(
      ctx,
      { project, context: project.config.builderContext.value },
      manifest,
    ),
    sourceDateEpoch:
      parseSourceDateEpoch(ctx.env.SOURCE_DATE_EPOCH) ??
      (await readCommitTime(project.root, ctx.runner, ctx.env, commitTimesFile(ctx))),
    toolVersion: ctx.toolVersion,
    ...commitAndLockInputs(project),
  });
  if (inputs.fingerprints.fingerprint !== manifest.inputs.fingerprint) {
    const build = [
      "wheelwright build",
      ...manifest.inputs.extras,
      ...manifest.inputs.groups.map((group) => `-g ${group}`),
      ...manifest.inputs.requirements.map((file) => `-r ${file}`),
    ].join(" ");
    throw new InputError(`The wheelhouse at ${where} was built from other inputs than the current ones`, {
      details: changedInputs(inputs.fingerprints.parts, manifest.inputs.parts).map(
        (what) => `changed: ${what}`,
      ),
      hint: `Run \`${build}\` to bring it up to date, then \`wheelwright ${command}\`.`,
    });
  }
}
