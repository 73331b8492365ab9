// A content-addressed store of built wheel sets on the host (like a build cache): wheels by sha256,
// manifests by input fingerprint and by dependency fingerprint. A build whose inputs were built
// before is restored from it (after checking every hash) without starting a builder; an app-only
// change reuses the dependency wheels even when the wheelhouse itself was removed. It also keeps what
// verifying a wheel found, by the wheel's sha256: the same bytes received again (a forced rebuild
// fetching the same wheels) need no second verification.
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { z } from "zod";
import { isManifest, type Manifest } from "../domain/manifest.js";
import { sha256File, sha256FileSync } from "../project/file-hash.js";
import type { VerifiedWheel } from "./verify-wheel.js";

const KEEP_SETS = 30;
/** A sha256 in hex: the only names the store makes paths of. */
const SHA256 = /^[0-9a-f]{64}$/;

const strings = z.array(z.string());
/** What verify-wheel.ts found of a wheel, as stored: anything else in the file is a miss. */
const verifiedSchema = z.object({
  filename: z.string(),
  name: z.string(),
  version: z.string(),
  sha256: z.string().regex(SHA256),
  size: z.number().int().nonnegative(),
  requiresDist: strings,
  providesExtra: strings,
  tags: z.object({ python: strings, abi: strings, platform: strings }),
  metadata: z.object({
    summary: z.string().optional(),
    license: z.string().optional(),
    licenseExpression: z.string().optional(),
    classifiers: strings,
    requiresPython: z.string().optional(),
  }),
});

export class ResultStore {
  constructor(readonly dir: string) {}

  private wheelPath(sha256: string): string {
    return path.join(this.dir, "wheels", `${sha256}.whl`);
  }

  private verifiedPath(sha256: string): string {
    return path.join(this.dir, "verified", `${sha256}.json`);
  }

  /**
   * What verifying the wheel of these bytes found before, when it was received under the same file
   * name (verification checks the name against the contents). The caller hashed the bytes itself.
   */
  verifiedFacts(sha256: string, filename: string): VerifiedWheel | undefined {
    if (!SHA256.test(sha256)) return undefined;
    try {
      const parsed = verifiedSchema.safeParse(JSON.parse(readFileSync(this.verifiedPath(sha256), "utf8")));
      if (!parsed.success || parsed.data.sha256 !== sha256 || parsed.data.filename !== filename)
        return undefined;
      return parsed.data as VerifiedWheel;
    } catch {
      return undefined;
    }
  }

  /** Keeps what verifying a wheel found. Best effort, like the rest of the store. */
  rememberVerified(wheel: VerifiedWheel): void {
    try {
      mkdirSync(path.join(this.dir, "verified"), { recursive: true });
      const file = this.verifiedPath(wheel.sha256);
      writeFileSync(`${file}.${process.pid}.tmp`, `${JSON.stringify(wheel)}\n`);
      renameSync(`${file}.${process.pid}.tmp`, file);
    } catch {
      // A cache: a full disk only loses the shortcut.
    }
  }

  private manifestPath(kind: "sets" | "deps", fingerprint: string): string {
    return path.join(this.dir, kind, `${fingerprint}.json`);
  }

  private read(kind: "sets" | "deps", fingerprint: string): Manifest | undefined {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.manifestPath(kind, fingerprint), "utf8"));
      return isManifest(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  /** The manifest built from exactly these inputs, if every one of its wheels is still stored intact. */
  findSet(fingerprint: string): Manifest | undefined {
    const manifest = this.read("sets", fingerprint);
    return manifest !== undefined && this.hasAll(manifest) ? manifest : undefined;
  }

  /** A manifest built from the same dependency inputs (the app's code may differ). */
  findDependencies(dependencyFingerprint: string): Manifest | undefined {
    const manifest = this.read("deps", dependencyFingerprint);
    return manifest !== undefined && this.hasAll(manifest) ? manifest : undefined;
  }

  private hasAll(manifest: Manifest): boolean {
    return manifest.wheels.every((wheel) => {
      const file = this.wheelPath(wheel.sha256);
      return existsSync(file) && statSync(file).size === wheel.size;
    });
  }

  /** Whether a wheel of this sha256 and size is stored (its bytes are checked when it is taken out). */
  holds(sha256: string, size: number): boolean {
    if (!SHA256.test(sha256)) return false;
    try {
      return statSync(this.wheelPath(sha256)).size === size;
    } catch {
      return false;
    }
  }

  /**
   * Puts the stored wheel of this sha256 at `target` (a hard link where the filesystem allows, else
   * a copy) and checks its hash there; false when it is missing or damaged (`target` is then removed).
   */
  async linkOut(sha256: string, target: string): Promise<boolean> {
    if (!SHA256.test(sha256)) return false;
    const source = this.wheelPath(sha256);
    try {
      linkSync(source, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      copyFileSync(source, target);
    }
    if ((await sha256File(target)) === sha256) return true;
    rmSync(target, { force: true });
    return false;
  }

  /** Copies a stored wheel to `target` and checks its hash there; false when it is missing or damaged. */
  copyOut(sha256: string, target: string): boolean {
    const source = this.wheelPath(sha256);
    if (!existsSync(source)) return false;
    copyFileSync(source, target);
    return sha256FileSync(target) === sha256;
  }

  /** Stores a published wheelhouse's wheels and manifest. Best effort: a full disk only loses the cache. */
  save(manifest: Manifest, wheelhouse: string): void {
    try {
      for (const kind of ["wheels", "sets", "deps"])
        mkdirSync(path.join(this.dir, kind), { recursive: true });
      for (const wheel of manifest.wheels) {
        const target = this.wheelPath(wheel.sha256);
        if (existsSync(target)) continue;
        const temporary = `${target}.${process.pid}.tmp`;
        try {
          linkSync(path.join(wheelhouse, wheel.filename), temporary);
        } catch {
          copyFileSync(path.join(wheelhouse, wheel.filename), temporary);
        }
        renameSync(temporary, target);
      }
      const text = `${JSON.stringify(manifest)}\n`;
      for (const [kind, fingerprint] of [
        ["sets", manifest.inputs.fingerprint],
        ["deps", manifest.inputs.dependencyFingerprint],
      ] as const) {
        const file = this.manifestPath(kind, fingerprint);
        writeFileSync(`${file}.${process.pid}.tmp`, text);
        renameSync(`${file}.${process.pid}.tmp`, file);
      }
      this.prune();
    } catch {
      // The store is a cache: failing to fill it must not fail a build that succeeded.
    }
  }

  /** Keeps the newest sets and the wheels they reference. */
  private prune(): void {
    const setsDir = path.join(this.dir, "sets");
    const sets = readdirSync(setsDir)
      .filter((name) => name.endsWith(".json"))
      .map((name) => ({ name, time: statSync(path.join(setsDir, name)).mtimeMs }))
      .sort((a, b) => b.time - a.time);
    if (sets.length <= KEEP_SETS) return;
    for (const old of sets.slice(KEEP_SETS)) rmSync(path.join(setsDir, old.name), { force: true });
    const referenced = new Set<string>();
    for (const kind of ["sets", "deps"] as const) {
      for (const name of readdirSync(path.join(this.dir, kind))) {
        const manifest = this.read(kind, name.replace(/\.json$/, ""));
        if (manifest === undefined) continue;
        if (kind === "deps" && !existsSync(path.join(setsDir, `${manifest.inputs.fingerprint}.json`))) {
          rmSync(path.join(this.dir, kind, name), { force: true });
          continue;
        }
        for (const wheel of manifest.wheels) referenced.add(`${wheel.sha256}.whl`);
      }
    }
    for (const name of readdirSync(path.join(this.dir, "wheels"))) {
      if (!referenced.has(name)) rmSync(path.join(this.dir, "wheels", name), { force: true });
    }
    const verified = path.join(this.dir, "verified");
    for (const name of existsSync(verified) ? readdirSync(verified) : []) {
      if (!referenced.has(name.replace(/\.json$/, ".whl")))
        rmSync(path.join(verified, name), { force: true });
    }
  }
}
