// Byte-for-byte snapshots of a folder (for "intact" checks) and a non-root user for ownership tests.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { execaSync } from "execa";
import { engineRequired } from "./run-facts.js";

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

/** Why the test user cannot be had here, or undefined when it can (made on first use). */
function testUserProblem(): string | undefined {
  if (process.getuid?.() !== 0) return "making the non-root test user needs root";
  if (execaSync("id", ["-u", TEST_USER], { reject: false }).exitCode !== 0) {
    execaSync("groupadd", ["-f", "docker"]);
    const made = execaSync("useradd", ["-m", "-G", "docker", TEST_USER], { reject: false });
    if (made.exitCode !== 0) return `useradd ${TEST_USER} failed: ${String(made.stderr)}`;
  }
  return undefined;
}

/**
 * For tests that need the non-root user: `skip` is true only where a missing prerequisite may
 * skip (not in CI); the test calls `require()` first, which fails it with the reason in CI.
 */
export function testUser(): { skip: boolean; require(): void } {
  const problem = testUserProblem();
  return {
    skip: problem !== undefined && !engineRequired,
    require() {
      if (problem !== undefined) throw new Error(`the non-root test user is missing: ${problem}`);
    },
  };
}

export function chownToTestUser(dir: string): void {
  execaSync("chown", ["-R", `${TEST_USER}:${TEST_USER}`, dir]);
}
