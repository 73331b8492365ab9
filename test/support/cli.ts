// Runs the built CLI (dist/) as a user would, and small shell helpers for the engine tiers.
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { execa, execaSync, type ResultPromise } from "execa";
import { REPO_ROOT } from "./run-facts.js";
import { testRun } from "./test-run.js";

export { REPO_ROOT } from "./run-facts.js";
/** The bundle `npm run build` makes: the file the package's `wheelwright` command runs. */
export const CLI = path.join(REPO_ROOT, "dist", "bundle", "wheelwright.js");

let fileCache: string | undefined;
/** One cache folder (result store, local venv) per test file, so files never see each other's caches. */
export function cacheDir(): string {
  fileCache ??= mkdtempSync(path.join(testRun().tempRoot, "cache-"));
  return fileCache;
}

function userCacheDir(user: string): string {
  const dir = mkdtempSync(path.join(testRun().tempRoot, `cache-${user}-`));
  execaSync("chown", [`${user}:${user}`, dir]);
  return dir;
}

/**
 * The CI runner's own variables: the CLI folds, annotates and writes a job summary when it sees
 * them. The suite may itself run on such a runner; its CLI runs see them only when a test asks.
 */
const RUNNER_VARIABLES = ["GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITLAB_CI"];

/** The CLI's environment in the engine tiers: the host's, CI mode, the file's own caches. */
export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const host = { ...process.env };
  for (const name of RUNNER_VARIABLES) delete host[name];
  return { ...host, CI: "true", XDG_CACHE_HOME: cacheDir(), ...extra };
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  options: {
    cwd: string;
    env?: Record<string, string | undefined>;
    user?: string;
    input?: string;
    /** The safety net's bound (default 10 minutes): emulated builds take longer. */
    timeoutMs?: number;
  },
): Promise<CliResult> {
  const argv =
    options.user === undefined
      ? ["node", CLI, ...args]
      : ["runuser", "-u", options.user, "--", "node", CLI, ...args];
  // Another user cannot write root's cache folder: theirs is their own.
  const userCache = options.user === undefined ? {} : { XDG_CACHE_HOME: userCacheDir(options.user) };
  const result = await execa(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    env: cliEnv({ ...options.env, ...userCache }),
    extendEnv: false,
    reject: false,
    ...(options.input === undefined ? { stdin: "ignore" as const } : { input: options.input }),
    // A safety net for a hung run (the test's own timeout is longer), not a bound the test asserts.
    timeout: options.timeoutMs ?? 10 * 60_000,
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
    env: cliEnv(options.env),
    extendEnv: false,
    reject: false,
    stdin: "ignore",
    detached: true,
  });
}

export async function sh(
  command: string,
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<string> {
  const result = await execa("sh", ["-c", command], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    reject: false,
  });
  if (result.exitCode !== 0) throw new Error(`${command} failed (${result.exitCode}): ${result.stderr}`);
  return String(result.stdout).trim();
}

/**
 * Waits until `check` holds, polling. No deadline of its own: the test's timeout is the bound, and
 * its signal (vitest's test context) stops the wait, naming what never happened.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  signal: AbortSignal,
): Promise<void> {
  while (!(await check())) {
    if (signal.aborted) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
