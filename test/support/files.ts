// Byte-for-byte snapshots of a folder (for "intact" checks) and a non-root user for ownership tests.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { execaSync } from "execa";

export function snapshot(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  if (!existsSync(dir)) return result;
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    result[name] = statSync(file).isDirectory()
      ? "dir"
      : createHash("sha256").update(readFileSync(file)).digest("hex");
  }
  return result;
}

/** Sibling folders a run may leave beside the wheelhouse (staging, retired, lock). */
export function leftovers(wheelhouse: string): string[] {
  const prefix = `.${path.basename(wheelhouse)}.`;
  return readdirSync(path.dirname(wheelhouse)).filter((name) => name.startsWith(prefix));
}

export const TEST_USER = "wwtester";

/** A non-root user in the docker group (as root such ownership bugs are invisible). */
export function ensureTestUser(): boolean {
  if (process.getuid?.() !== 0) return false;
  if (execaSync("id", ["-u", TEST_USER], { reject: false }).exitCode !== 0) {
    execaSync("groupadd", ["-f", "docker"]);
    execaSync("useradd", ["-m", "-G", "docker", TEST_USER]);
  }
  return true;
}

export function chownToTestUser(dir: string): void {
  execaSync("chown", ["-R", `${TEST_USER}:${TEST_USER}`, dir]);
}
