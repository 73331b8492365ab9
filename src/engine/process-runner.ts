// The one place that spawns processes. Injected everywhere else so that adapters can be tested
// by the exact argv they send (a recording runner) and the real one is used at the edge.

import { constants } from "node:os";
import { pipeline } from "node:stream/promises";
import type { Result, ResultPromise } from "execa";

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Variables in `env` whose values are secrets: a trace (WHEELWRIGHT_TRACE) names them, never their values. */
  secretEnvNames?: readonly string[];
  /** Text or a byte stream for stdin; stdin is closed (not inherited) when absent. */
  input?: string | NodeJS.ReadableStream;
  timeoutMs?: number;
  /** Called for each line of stdout and stderr as it arrives. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  signal?: AbortSignal;
  /** Inherit the terminal (for commands whose output is the user's: `build -- CMD`). */
  inheritStdio?: boolean;
  /** Send stdout (bytes, e.g. a tar stream) here instead of buffering it as text. */
  stdoutTo?: NodeJS.WritableStream;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when the run was stopped through `signal`. */
  aborted: boolean;
}

export interface ProcessRunner {
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
}

function splitLines(onLine: RunOptions["onLine"], stream: "stdout" | "stderr") {
  let pending = "";
  return {
    push(chunk: Buffer | string): void {
      if (onLine === undefined) return;
      pending += chunk.toString();
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? "";
      for (const line of lines) onLine(line, stream);
    },
    flush(): void {
      if (onLine !== undefined && pending !== "") onLine(pending, stream);
      pending = "";
    },
  };
}

/**
 * Streams on either side fail on their own (a source file deleted while it is tarred, a parser
 * refusing what the child sends): the first such error stops the child and is what the caller
 * gets, after the child has ended, so no error escapes uncaught and every cleanup still runs.
 */
function connectStreams(child: ResultPromise, options: RunOptions): () => unknown {
  let streamError: unknown;
  const stopOn = (error: unknown) => {
    streamError ??= error;
    child.kill();
  };
  if (options.input !== undefined && typeof options.input !== "string") {
    const source = options.input as NodeJS.ReadableStream & NodeJS.EventEmitter;
    source.on("error", stopOn);
    // EPIPE when the child exits before reading everything is the child's story, told by its exit code.
    pipeline(source, child.stdin!).catch(() => undefined);
  }
  if (options.stdoutTo !== undefined) {
    const target = options.stdoutTo as NodeJS.WritableStream & NodeJS.EventEmitter;
    target.on("error", stopOn);
    pipeline(child.stdout!, target).catch(() => undefined);
  }
  return () => streamError;
}

function resultOf(result: Result, options: RunOptions): RunResult {
  if (
    result.failed &&
    result.exitCode === undefined &&
    !result.timedOut &&
    !result.isCanceled &&
    !result.signal
  ) {
    // Spawn failed (e.g. ENOENT): report it as exit 127, like a shell would.
    return { exitCode: 127, stdout: "", stderr: String(result.message), timedOut: false, aborted: false };
  }
  // Killed by a signal: 128 + its number, as a shell reports it (SIGKILL is 137).
  const bySignal = result.signal === undefined ? 1 : 128 + (constants.signals[result.signal] ?? 15);
  return {
    exitCode: result.exitCode ?? bySignal,
    stdout: options.stdoutTo === undefined ? String(result.stdout ?? "") : "",
    stderr: Buffer.isBuffer(result.stderr) ? result.stderr.toString("utf8") : String(result.stderr ?? ""),
    timedOut: result.timedOut,
    aborted: result.isCanceled,
  };
}

export const realProcessRunner: ProcessRunner = {
  async run(argv, options = {}) {
    const [file, ...args] = argv;
    if (file === undefined) throw new Error("empty argv");
    // Loaded on the first process only: a no-op build starts none, and need not pay for execa.
    const { execa } = await import("execa");
    const child = execa(file, args, {
      cwd: options.cwd,
      env: options.env,
      extendEnv: options.env === undefined,
      input: typeof options.input === "string" ? options.input : undefined,
      stdin: options.inheritStdio ? "inherit" : options.input === undefined ? "ignore" : "pipe",
      stdout: options.inheritStdio ? "inherit" : "pipe",
      stderr: options.inheritStdio ? "inherit" : "pipe",
      reject: false,
      timeout: options.timeoutMs,
      cancelSignal: options.signal,
      forceKillAfterDelay: 3000,
      stripFinalNewline: false,
      buffer: options.stdoutTo === undefined ? true : { stdout: false, stderr: true },
      encoding: options.stdoutTo === undefined ? "utf8" : "buffer",
      maxBuffer: 256 * 1024 * 1024,
    });
    const streamError = connectStreams(child, options);
    const out = splitLines(options.stdoutTo === undefined ? options.onLine : undefined, "stdout");
    const err = splitLines(options.onLine, "stderr");
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
    const result = await child;
    out.flush();
    err.flush();
    if (streamError() !== undefined) throw streamError();
    return resultOf(result, options);
  },
};
