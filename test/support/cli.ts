// Runs the built CLI (dist/) as a user would, and reads back what the engine holds.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");

/** One cache folder (result store, local venv) per test file, so runs never see each other's caches. */
const CACHE = mkdtempSync(path.join(tmpdir(), "wheelwright-test-cache-"));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; user?: string },
): Promise<CliResult> {
  const argv =
    options.user === undefined
      ? ["node", CLI, ...args]
      : ["runuser", "-u", options.user, "--", "node", CLI, ...args];
  const result = await execa(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    env: { ...process.env, CI: "true", XDG_CACHE_HOME: CACHE, ...options.env },
    reject: false,
    stdin: "ignore",
    timeout: 10 * 60_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Starts the CLI detached (its own process group) so a test can signal it alone. */
export function spawnCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): ResultPromise {
  return execa("node", [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, CI: "true", XDG_CACHE_HOME: CACHE, ...options.env },
    reject: false,
    stdin: "ignore",
    detached: true,
  });
}

export async function sh(
  command: string,
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const result = await execa("sh", ["-c", command], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    reject: false,
  });
  if (result.exitCode !== 0) throw new Error(`${command} failed (${result.exitCode}): ${result.stderr}`);
  return String(result.stdout).trim();
}
