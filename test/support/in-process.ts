// Runs the CLI in the test's own process: runWheelwright with captured streams, an environment
// made for the test (never the host's WHEELWRIGHT_* settings) and a guarded runner.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { runWheelwright } from "../../src/cli/entry.js";
import { type GuardedRunner, guardedRunner } from "./guarded-runner.js";

export interface InProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  runner: GuardedRunner;
}

/**
 * A folder with `docker` and `podman` files that are executable and never run: engine detection
 * finds them on PATH and asks the (guarded) runner, whatever the machine has installed.
 */
export function fakeBinDir(parent: string): string {
  const bin = path.join(parent, "bin");
  mkdirSync(bin, { recursive: true });
  for (const name of ["docker", "podman"]) {
    const file = path.join(bin, name);
    writeFileSync(file, "#!/bin/sh\necho 'never run: the guarded runner answers' >&2\nexit 99\n");
    chmodSync(file, 0o755);
  }
  return bin;
}

/** The environment of an in-process run: a fake PATH, a home and caches of its own under `scratch`, CI mode. */
export function testEnv(
  scratch: string,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const home = mkdtempSync(path.join(scratch, "home-"));
  return {
    PATH: fakeBinDir(home),
    HOME: home,
    XDG_CACHE_HOME: path.join(home, "cache"),
    CI: "true",
    ...extra,
  };
}

export async function runInProcess(
  args: string[],
  options: {
    cwd: string;
    env: Record<string, string | undefined>;
    runner?: GuardedRunner;
    stdin?: string;
  },
): Promise<InProcessResult> {
  const runner = options.runner ?? guardedRunner();
  let stdout = "";
  let stderr = "";
  const exitCode = await runWheelwright({
    argv: args,
    env: options.env,
    cwd: options.cwd,
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    runner,
  });
  return { exitCode, stdout, stderr, runner };
}
