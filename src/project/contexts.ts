// Lists the image folders under the images folder, with their Dockerfiles' text.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { compareText } from "../domain/text-order.js";
import { combineHashes } from "../plan/image-identity.js";
import type { ContextFolder } from "../plan/image-plan.js";
import { hashFiles, readSourceTree } from "./source-tree.js";

export function listContextFolders(root: string, imagesDir: string): ContextFolder[] {
  if (!existsSync(imagesDir)) return [];
  return readdirSync(imagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => {
      const dockerfile = path.join(imagesDir, entry.name, "Dockerfile");
      return {
        folder: entry.name,
        path: path.relative(root, path.join(imagesDir, entry.name)) || ".",
        dockerfile: existsSync(dockerfile) ? readFileSync(dockerfile, "utf8") : undefined,
        // Labelled on the image, so `build` can tell an image older than its folder.
        contentHash: hashFiles(readSourceTree(path.join(imagesDir, entry.name)).files).slice(0, 16),
      };
    })
    .sort((a, b) => compareText(a.folder, b.folder));
}

/**
 * The project's image folders as its view sees them. A target's build args and platform are part
 * of each folder's identity: the same Dockerfile built FROM debian:trixie-slim is another image than
 * from bookworm, and `build` must never take one for the other (a target without either keeps the
 * folder's own hash, so its images are the project's).
 */
export function projectContextFolders(project: LoadedProject): ContextFolder[] {
  const folders = listContextFolders(project.root, project.imagesDir);
  const target = project.target;
  if (target === undefined || (Object.keys(target.buildArgs).length === 0 && target.platform === undefined))
    return folders;
  const identity = JSON.stringify({
    buildArgs: Object.entries(target.buildArgs).sort(([a], [b]) => compareText(a, b)),
    platform: target.platform ?? null,
  });
  return folders.map((folder) => ({ ...folder, contentHash: combineHashes([folder.contentHash, identity]) }));
}
