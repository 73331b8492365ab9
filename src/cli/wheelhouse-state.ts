// Whether the wheelhouse can be used by `release` and `test`: it exists, every file matches its
// manifest, and it was built from the current tree (same fingerprint, recomputed now).
import { readFileSync } from "node:fs";
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { type Manifest, REQUIREMENTS_FILE, requirementsText } from "../domain/manifest.js";
import { parseSourceDateEpoch } from "../domain/source-date-epoch.js";
import { InputError, IntegrityError } from "../errors.js";
import { findDamagedWheels, newRunId, readManifest } from "../execute/wheelhouse.js";
import { collectBuildInputs } from "../project/build-inputs.js";
import { readCommitTime } from "../project/git.js";
import { resolveIndexSettings } from "../project/pip-config.js";
import { BuilderFactory } from "./builder-factory.js";
import type { Session } from "./session.js";

export async function currentWheelhouse(
  session: Session,
  project: LoadedProject,
  command: string,
): Promise<Manifest> {
  const where = path.relative(session.cwd, project.wheelhouseDir) || ".";
  const manifest = readManifest(project.wheelhouseDir);
  if (manifest === undefined) {
    throw new InputError(`There is no wheelhouse at ${where} (no ${where}/manifest.json)`, {
      hint: `Run \`wheelwright build${command === "test" ? " test" : ""}\` first, then \`wheelwright ${command}\`.`,
    });
  }
  const damaged = findDamagedWheels(project.wheelhouseDir, manifest);
  let requirements = "";
  try {
    requirements = readFileSync(path.join(project.wheelhouseDir, REQUIREMENTS_FILE), "utf8");
  } catch {
    damaged.push(REQUIREMENTS_FILE);
  }
  if (requirements !== "" && requirements !== requirementsText(manifest)) damaged.push(REQUIREMENTS_FILE);
  if (damaged.length > 0) {
    throw new IntegrityError(
      `The wheelhouse does not match its manifest: ${damaged.join(", ")} changed or missing`,
      {
        hint: "A wheel or the pinned requirements were changed after the build. Run `wheelwright build`: it rebuilds a damaged wheelhouse.",
      },
    );
  }
  const index = await resolveIndexSettings(project.config, session.runner, session.env);
  const builders = new BuilderFactory(session, project, index, newRunId());
  const inputs = collectBuildInputs({
    project,
    request: {
      extras: manifest.inputs.extras,
      groups: manifest.inputs.groups,
      requirements: manifest.inputs.requirements,
    },
    index,
    builderId: await builders.expectedBuilderId(manifest),
    sourceDateEpoch:
      parseSourceDateEpoch(session.env.SOURCE_DATE_EPOCH) ??
      (await readCommitTime(project.root, session.runner)),
    toolVersion: session.toolVersion,
  });
  if (inputs.fingerprints.fingerprint !== manifest.inputs.fingerprint) {
    const extras = manifest.inputs.extras.join(" ");
    throw new InputError(`The wheelhouse at ${where} was built from other sources than the current tree`, {
      hint: `Run \`wheelwright build${extras === "" ? "" : ` ${extras}`}\` to bring it up to date, then \`wheelwright ${command}\`.`,
    });
  }
  return manifest;
}
