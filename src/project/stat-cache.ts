// File hashes remembered by their stat (size, mtime and ctime in nanoseconds, inode): an up-to-date
// check hashes only what changed. Kept in wheelwright's cache folder, one file per folder hashed;
// a cache that cannot be read or written only costs hashing again.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sha256FileSync } from "./file-hash.js";

interface Entry {
  /** `size:mtimeNs:ctimeNs:ino` */
  stat: string;
  sha256: string;
}

function statOf(file: string): { key: string; ageMs: number } {
  const stat = statSync(file, { bigint: true });
  return {
    key: `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}`,
    ageMs: Date.now() - Number(stat.ctimeNs / 1_000_000n),
  };
}

/**
 * A file changed less than this long ago is hashed every time, not remembered: a second change in
 * the same timestamp tick (file systems count in milliseconds or coarser) would keep its stat.
 */
const RACY_MS = 2000;

export class StatCache {
  private entries: Record<string, Entry> = {};
  private readonly seen = new Set<string>();
  private dirty = false;

  constructor(private readonly file: string | undefined) {
    if (file === undefined) return;
    try {
      this.entries = JSON.parse(readFileSync(file, "utf8")) as Record<string, Entry>;
    } catch {
      this.entries = {};
    }
  }

  static for(cacheDir: string | undefined, scope: string): StatCache {
    if (cacheDir === undefined) return new StatCache(undefined);
    const id = createHash("sha256").update(scope).digest("hex").slice(0, 16);
    return new StatCache(path.join(cacheDir, "stat", `${id}.json`));
  }

  /** The file's sha256: remembered while its stat is unchanged, else hashed (and remembered). */
  sha256(file: string): string {
    const { key, ageMs } = statOf(file);
    this.seen.add(file);
    const known = this.entries[file];
    if (known !== undefined && known.stat === key) return known.sha256;
    const sha256 = sha256FileSync(file);
    // A file changed while it was hashed, or just before, is not remembered.
    if (ageMs > RACY_MS && statOf(file).key === key) {
      this.entries[file] = { stat: key, sha256 };
      this.dirty = true;
    }
    return sha256;
  }

  /** Writes the cache back (when it learnt something), forgetting files that no longer exist. */
  save(): void {
    if (this.file === undefined || !this.dirty) return;
    const kept = Object.fromEntries(
      Object.entries(this.entries).filter(([file]) => this.seen.has(file) || existsSync(file)),
    );
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(`${this.file}.${process.pid}`, JSON.stringify(kept));
      renameSync(`${this.file}.${process.pid}`, this.file);
    } catch {
      // Only a cache.
    }
  }
}
