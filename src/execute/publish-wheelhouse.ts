// Writing a staged wheelhouse and publishing it: the wheels moved in from where they were received
// or reused, the manifest, the pinned requirements and the SBOM written, then one rename swaps it
// in. A full disk is told as such (which folder, how much was being written), never as an internal
// error.
import { copyFileSync, linkSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  MANIFEST_FILE,
  type Manifest,
  type ManifestWheel,
  REQUIREMENTS_FILE,
  requirementsText,
} from "../domain/manifest.js";
import { SBOM_FILE, sbomText } from "../domain/sbom.js";
import { formatBytes } from "../domain/sizes.js";
import { IntegrityError, ResourceError } from "../errors.js";
import { sha256FileSync } from "../project/file-hash.js";
import type { StatCache } from "../project/stat-cache.js";
import type { ResultStore } from "./result-store.js";
import { publish } from "./wheelhouse.js";

/** Runs a write, turning ENOSPC/EDQUOT into a ResourceError (exit 11) that names the folder. */
export function writingTo<T>(folder: string, bytes: number, write: () => T): T {
  try {
    return write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOSPC" && code !== "EDQUOT") throw error;
    throw new ResourceError(
      `The disk holding ${folder} is full: ${formatBytes(bytes)} could not be written there`,
      {
        hint: "Free space on that disk (or point `wheelhouse` at another one), then run the build again: the previous wheelhouse was left as it was.",
      },
    );
  }
}

/** Copies a wheel kept from before into staging, checking it is still exactly the one recorded. */
export function reuseWheel(
  wheel: ManifestWheel,
  from: { wheelhouse: string; hashes?: StatCache } | { store: ResultStore },
  staging: string,
): void {
  const target = path.join(staging, wheel.filename);
  const ok = writingTo(staging, wheel.size, () => {
    if ("store" in from) return from.store.copyOut(wheel.sha256, target);
    // A hard link where it can (the staging folder is beside the wheelhouse): no copy, and the
    // hash remembered for the file's unchanged stat is the linked file's too.
    const source = path.join(from.wheelhouse, wheel.filename);
    try {
      linkSync(source, target);
      return (from.hashes?.sha256(source) ?? sha256FileSync(target)) === wheel.sha256;
    } catch {
      copyFileSync(source, target);
      return sha256FileSync(target) === wheel.sha256;
    }
  });
  if (!ok)
    throw new IntegrityError(`${wheel.filename} changed while it was reused (sha256 mismatch)`, {
      hint: "Run the build again with --force.",
    });
}

export function moveInto(staging: string, file: string, filename: string): void {
  renameSync(file, path.join(staging, filename));
}

/**
 * Writes the manifest, the pinned requirements and the SBOM into staging, then swaps staging in:
 * all three are made from the manifest alone, so a wheelhouse never has one out of step with the others.
 */
export function publishManifest(
  wheelhouse: string,
  staging: string,
  runId: string,
  manifest: Manifest,
): void {
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  const requirements = requirementsText(manifest);
  const sbom = sbomText(manifest);
  writingTo(staging, text.length + requirements.length + sbom.length, () => {
    writeFileSync(path.join(staging, MANIFEST_FILE), text);
    writeFileSync(path.join(staging, REQUIREMENTS_FILE), requirements);
    writeFileSync(path.join(staging, SBOM_FILE), sbom);
  });
  publish(wheelhouse, staging, runId);
}
