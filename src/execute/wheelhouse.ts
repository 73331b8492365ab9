// The wheelhouse on disk: one run at a time (a lock beside it), built in a staging folder beside it,
// published by rename, so a failed or interrupted build leaves the previous one byte for byte.
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import path from "node:path";
import {
  isManifest,
  MANIFEST_FILE,
  type Manifest,
  REQUIREMENTS_FILE,
  requirementsText,
} from "../domain/manifest.js";
import { SBOM_FILE, sbomText } from "../domain/sbom.js";
import { InputError } from "../errors.js";
import { sha256FileSync } from "../project/file-hash.js";
import type { StatCache } from "../project/stat-cache.js";

/** Found before the build starts: an output that is a file, or a folder we cannot write. */
export function checkOutputWritable(wheelhouse: string): void {
  if (existsSync(wheelhouse) && !statSync(wheelhouse).isDirectory()) {
    throw new InputError(`The wheelhouse path ${wheelhouse} is a file, not a folder`, {
      hint: "Remove the file or set `wheelhouse` to another folder.",
    });
  }
  const parent = path.dirname(wheelhouse);
  for (const dir of [parent, ...(existsSync(wheelhouse) ? [wheelhouse] : [])]) {
    try {
      mkdirSync(parent, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch {
      throw new InputError(`Cannot write to ${dir}: the wheelhouse could not be published there`, {
        hint: "Fix the folder's permissions or set `wheelhouse` to a folder you can write.",
      });
    }
  }
}

/** A run's staging or retired folder; run ids are hex, or WHEELWRIGHT_RUN_ID's lowercase letters and digits. */
const RUN_FOLDER = /\.(staging|old)-[0-9a-z]+$/;

const staging = (wheelhouse: string, runId: string) =>
  path.join(path.dirname(wheelhouse), `.${path.basename(wheelhouse)}.staging-${runId}`);
const retired = (wheelhouse: string, runId: string) =>
  path.join(path.dirname(wheelhouse), `.${path.basename(wheelhouse)}.old-${runId}`);

/**
 * Puts back a wheelhouse whose publish was interrupted between its two renames, and removes
 * staging and retired folders of runs that are gone (we hold the lock, so none is running).
 */
export function recoverWheelhouse(wheelhouse: string): void {
  const parent = path.dirname(wheelhouse);
  if (!existsSync(parent)) return;
  const prefix = `.${path.basename(wheelhouse)}.`;
  const leftovers = readdirSync(parent).filter((name) => name.startsWith(prefix) && RUN_FOLDER.test(name));
  const old = leftovers.find((name) => name.includes(".old-"));
  if (!existsSync(wheelhouse) && old !== undefined) renameSync(path.join(parent, old), wheelhouse);
  for (const name of leftovers) rmSync(path.join(parent, name), { recursive: true, force: true });
}

/** Staging and retired folders of earlier runs beside the wheelhouse (absolute paths). */
export function wheelhouseLeftovers(wheelhouse: string): string[] {
  const parent = path.dirname(wheelhouse);
  if (!existsSync(parent)) return [];
  const prefix = `.${path.basename(wheelhouse)}.`;
  return readdirSync(parent)
    .filter((name) => name.startsWith(prefix) && RUN_FOLDER.test(name))
    .map((name) => path.join(parent, name));
}

export function createStaging(wheelhouse: string, runId: string): string {
  const dir = staging(wheelhouse, runId);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Swaps the staging folder in: the previous wheelhouse stays whole until the new one is in place. */
export function publish(wheelhouse: string, stagingDir: string, runId: string): void {
  const old = retired(wheelhouse, runId);
  const hadPrevious = existsSync(wheelhouse);
  if (hadPrevious) renameSync(wheelhouse, old);
  try {
    renameSync(stagingDir, wheelhouse);
  } catch (error) {
    if (hadPrevious) renameSync(old, wheelhouse);
    throw error;
  }
  if (hadPrevious) rmSync(old, { recursive: true, force: true });
}

export function readManifest(wheelhouse: string): Manifest | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(wheelhouse, MANIFEST_FILE), "utf8"));
    return isManifest(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The wheels of the manifest whose file is missing or whose sha256 differs (`hashes`: remembered by stat). */
export function findDamagedWheels(wheelhouse: string, manifest: Manifest, hashes?: StatCache): string[] {
  return manifest.wheels
    .filter((wheel) => {
      const file = path.join(wheelhouse, wheel.filename);
      if (!existsSync(file) || statSync(file).size !== wheel.size) return true;
      return (hashes?.sha256(file) ?? sha256FileSync(file)) !== wheel.sha256;
    })
    .map((wheel) => wheel.filename);
}

/**
 * Every file of the wheelhouse that does not match its manifest: the wheels (by size and sha256),
 * and the files written from the manifest alone (the pinned requirements, the SBOM), by their bytes.
 * A wheelhouse is up to date only when this is empty.
 */
export function findDamagedFiles(wheelhouse: string, manifest: Manifest, hashes?: StatCache): string[] {
  const derived: [string, string][] = [
    [REQUIREMENTS_FILE, requirementsText(manifest)],
    [SBOM_FILE, sbomText(manifest)],
  ];
  const damagedDerived = derived
    .filter(([file, expected]) => {
      try {
        return readFileSync(path.join(wheelhouse, file), "utf8") !== expected;
      } catch {
        return true;
      }
    })
    .map(([file]) => file);
  return [...findDamagedWheels(wheelhouse, manifest, hashes), ...damagedDerived];
}
