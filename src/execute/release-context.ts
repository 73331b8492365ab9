// The release image's build context, made in a temporary folder: the release folder's own files,
// then wheels/deps and wheels/app, each with its hash-pinned requirements.txt. Every wheel is copied
// from the wheelhouse and its hash checked again on the way, so the image gets exactly the manifest.
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";

import { tmpdir } from "node:os";
import path from "node:path";
import type { ManifestWheel } from "../domain/manifest.js";
import { pinnedRequirements, type ReleaseContents } from "../domain/release-contents.js";
import { IntegrityError } from "../errors.js";
import { sha256FileSync } from "../project/file-hash.js";

export interface ReleaseContext {
  dir: string;
  dispose(): void;
}

function fixTimes(dir: string): void {
  const epoch = new Date(0);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) fixTimes(full);
    utimesSync(full, epoch, epoch);
  }
  utimesSync(dir, epoch, epoch);
}

export function makeReleaseContext(
  releaseFolder: string,
  wheelhouse: string,
  contents: ReleaseContents,
): ReleaseContext {
  const dir = mkdtempSync(path.join(tmpdir(), "wheelwright-release-"));
  try {
    cpSync(releaseFolder, dir, { recursive: true });
    const place = (sub: string, wheels: readonly ManifestWheel[]) => {
      const target = path.join(dir, "wheels", sub);
      mkdirSync(target, { recursive: true });
      for (const wheel of wheels) {
        const copy = path.join(target, wheel.filename);
        copyFileSync(path.join(wheelhouse, wheel.filename), copy);
        if (sha256FileSync(copy) !== wheel.sha256) {
          throw new IntegrityError(
            `${wheel.filename} changed while the release context was made (sha256 mismatch)`,
          );
        }
      }
      writeFileSync(path.join(target, "requirements.txt"), pinnedRequirements(wheels));
    };
    place("deps", contents.dependencies);
    place("app", [contents.app]);
    // The context is made anew each time: fixed times keep the builder's COPY cache keys stable,
    // so unchanged dependency wheels reuse their layer.
    fixTimes(path.join(dir, "wheels"));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
