// A small PEP 503 index (file://) made from the machine's mirror: what the builder's helper needs
// (build, packaging, pyproject-hooks), the sdists' build backend (setuptools) and six (a published
// wheel). For engines whose host does not share this machine's files (ssh://, tcp://): the local
// index folders are copied into their builder, and the whole mirror is GiBs, far over the limit.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import path from "node:path";
import { mirrorWheel, newestVersion } from "./mirror.js";

export const SMALL_INDEX_PACKAGES = ["build", "packaging", "pyproject-hooks", "setuptools", "six"] as const;

/** The index's folder; its URL is `file://DIR/simple`. */
export function makeSmallIndex(parent: string): string {
  const dir = mkdtempSync(path.join(parent, "small-index-"));
  mkdirSync(path.join(dir, "files"));
  for (const name of SMALL_INDEX_PACKAGES) {
    const wheel = mirrorWheel(name, newestVersion(name));
    copyFileSync(new URL(wheel.url), path.join(dir, "files", wheel.filename));
    mkdirSync(path.join(dir, "simple", name), { recursive: true });
    writeFileSync(
      path.join(dir, "simple", name, "index.html"),
      `<!DOCTYPE html>\n<html><body>\n<a href="../../files/${wheel.filename}#sha256=${wheel.sha256}">${wheel.filename}</a>\n</body></html>\n`,
    );
  }
  return dir;
}
