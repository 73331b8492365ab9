// Lists the image folders under the images folder, with their Dockerfiles' text.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
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
    .sort((a, b) => a.folder.localeCompare(b.folder));
}
