// Makes the release image's build context as planned: the release folder's own files, then
// wheels/deps and wheels/app, each with its hash-pinned requirements.txt. Every wheel is copied from
// the wheelhouse and its hash checked again on the way, so the image gets exactly the manifest.
import { copyFileSync, cpSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { IntegrityError } from "../errors.js";
import type { ReleasePlan } from "../plan/release-plan.js";
import { sha256FileSync } from "../project/file-hash.js";

function fixTimes(dir: string): void {
  const epoch = new Date(0);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) fixTimes(full);
    utimesSync(full, epoch, epoch);
  }
  utimesSync(dir, epoch, epoch);
}

export function makeReleaseContext(plan: ReleasePlan): void {
  const { contextDir } = plan;
  mkdirSync(path.join(contextDir, "wheels", "deps"), { recursive: true });
  mkdirSync(path.join(contextDir, "wheels", "app"), { recursive: true });
  cpSync(plan.releaseFolder, contextDir, { recursive: true });
  for (const copy of plan.copies) {
    copyFileSync(copy.from, copy.to);
    if (sha256FileSync(copy.to) !== copy.sha256) {
      throw new IntegrityError(
        `${path.basename(copy.to)} changed while the release context was made (sha256 mismatch)`,
        {
          hint: "The wheelhouse changed under this run; run `wheelwright build`, then `wheelwright release` again.",
        },
      );
    }
  }
  for (const file of plan.requirements) writeFileSync(file.path, file.text);
  // The context is made anew each time: fixed times keep the builder's COPY cache keys stable,
  // so unchanged dependency wheels reuse their layer.
  fixTimes(path.join(contextDir, "wheels"));
}
