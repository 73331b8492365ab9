// WHEELWRIGHT_TRACE=FILE: every process wheelwright starts, appended to FILE as one JSON line before
// it starts, so a test (or a user asking "what did it run?") can compare the executed argv with the
// plan that `--dry-run --json` printed. A line holds the argv, the variables the command sets on top
// of wheelwright's own environment, and what kind of stdin it gets: never stdin's content, and of a
// secret variable (RunOptions.secretEnvNames) only its name.
import { appendFileSync } from "node:fs";
import type { ProcessRunner, RunOptions } from "./process-runner.js";

/** One line of the trace file. */
export interface TraceLine {
  readonly argv: readonly string[];
  /** Variables set or changed relative to wheelwright's own environment (secrets left out). */
  readonly env: Readonly<Record<string, string>>;
  /** The names of the secret variables the command gets; their values are never written. */
  readonly secretEnv: readonly string[];
  readonly stdin: "none" | "text" | "stream" | "terminal";
}

function stdinKind(options: RunOptions): TraceLine["stdin"] {
  if (options.inheritStdio) return "terminal";
  if (options.input === undefined) return "none";
  return typeof options.input === "string" ? "text" : "stream";
}

export function traceLine(
  argv: readonly string[],
  options: RunOptions,
  ownEnv: Readonly<Record<string, string | undefined>>,
): TraceLine {
  const secret = new Set(options.secretEnvNames ?? []);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined || secret.has(name) || ownEnv[name] === value) continue;
    env[name] = value;
  }
  return { argv: [...argv], env, secretEnv: [...secret].sort(), stdin: stdinKind(options) };
}

/**
 * The runner itself when `file` is unset; otherwise a runner that appends each command's trace line
 * to `file` (synchronously, so lines are in the order the commands started) and then runs it.
 */
export function tracingRunner(
  runner: ProcessRunner,
  file: string | undefined,
  ownEnv: Readonly<Record<string, string | undefined>>,
): ProcessRunner {
  if (file === undefined || file === "") return runner;
  return {
    run(argv, options = {}) {
      appendFileSync(file, `${JSON.stringify(traceLine(argv, options, ownEnv))}\n`);
      return runner.run(argv, options);
    },
  };
}
