// The whole CLI as a function of its inputs: argv, environment, working folder and streams come in,
// the exit code goes out. main.ts calls it with the real process's values; tests call it in their
// own process with a recording runner. Nothing here is module state, so two calls never meet.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, CommanderError } from "commander";
import { environmentForContext } from "../domain/engine-endpoint.js";
import { type ProcessRunner, realProcessRunner } from "../engine/process-runner.js";
import { tracingRunner } from "../engine/process-trace.js";
import { EXIT_CODES, InterruptedError, WheelwrightError } from "../errors.js";
import { splitCommandLine } from "./command-line.js";
import { createProgram } from "./program.js";
import { summaryAppender } from "./render/summary-file.js";
import { chooseMode, createRenderer, type Renderer } from "./render.js";
import type { Session } from "./session.js";

export interface WheelwrightIo {
  /** The words after the program's name. */
  argv: string[];
  env: Record<string, string | undefined>;
  /** The folder relative paths (and `--cwd`) start from. */
  cwd: string;
  stdin: NodeJS.ReadableStream;
  /** Results. */
  stdout: { write(text: string): unknown };
  /** The story: progress, warnings, errors. A terminal's `isTTY` and `columns` shape the live line. */
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  runner?: ProcessRunner;
  /** Aborted with an InterruptedError when the user interrupts (main.ts wires SIGINT/SIGTERM to it). */
  signal?: AbortSignal;
  clock?: () => number;
}

const packageJson = JSON.parse(
  readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "package.json"), "utf8"),
) as { version: string };

/** Commander writes help, --version and parse errors itself: through the given streams, never process's. */
function routeOutput(command: Command, io: WheelwrightIo): void {
  command.configureOutput({
    writeOut: (text) => void io.stdout.write(text),
    writeErr: (text) => void io.stderr.write(text),
    getOutHelpWidth: () => 100,
    getErrHelpWidth: () => io.stderr.columns ?? 100,
    getOutHasColors: () => false,
    getErrHasColors: () => false,
  });
  // Subcommands copied the output settings when they were made: route theirs too.
  for (const sub of command.commands) routeOutput(sub, io);
}

/** The interruption the caller signalled, if any (an abort without an InterruptedError counts as SIGINT). */
function interruptionOf(signal: AbortSignal): InterruptedError | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError("SIGINT");
}

/** The session's view of the world it runs in: folder, environment, processes (traced when asked), clock. */
function sessionWorld(
  io: WheelwrightIo,
  env: Record<string, string | undefined>,
  signal: AbortSignal,
  globals: Record<string, unknown>,
) {
  return {
    cwd: path.resolve(io.cwd, String(globals.cwd ?? ".")),
    env,
    runner: tracingRunner(io.runner ?? realProcessRunner, env.WHEELWRIGHT_TRACE, env),
    clock: io.clock ?? Date.now,
    signal,
    stdin: io.stdin,
    flags: (globals.flags ?? {}) as Session["flags"],
    targets: Array.isArray(globals.target) ? (globals.target as string[]) : [],
    jobs: typeof globals.jobs === "number" ? globals.jobs : undefined,
    toolVersion: packageJson.version,
  };
}

/** Runs one wheelwright command line and returns its exit code; never exits the process. */
export async function runWheelwright(io: WheelwrightIo): Promise<number> {
  const env = { ...io.env };
  const signal = io.signal ?? new AbortController().signal;
  const write = (text: string) => void io.stderr.write(text);
  // `build -- CMD`: everything after the first `--` belongs to the command, not to us.
  const { own: ownArgs, command: passthrough } = splitCommandLine(io.argv);
  let redact = (text: string) => text;
  let renderer = createRenderer({ mode: "plain", write, env });
  let session: Session | undefined;
  const program = createProgram(packageJson.version, (globals) => {
    const json = globals.json === true;
    renderer = createRenderer({
      mode: chooseMode(json, io.stderr, env),
      write,
      env,
      redact: (text) => redact(text),
      verbose: globals.verbose === true,
      terminal: io.stderr,
      ...(io.clock === undefined ? {} : { clock: io.clock }),
      command: typeof globals.command === "string" ? globals.command : undefined,
      appendSummary: summaryAppender(env, write),
    });
    // --context: every engine command of the run (and every process it starts) uses that context.
    const context = typeof globals.context === "string" ? globals.context : undefined;
    session = {
      ...sessionWorld(io, environmentForContext(env, context), signal, globals),
      emit: (event) => renderer.event(event),
      json,
      passthrough,
      exitCode: undefined,
      setRedactor: (next) => {
        redact = next;
      },
      out: (text) => void io.stdout.write(redact(text)),
    };
    return session;
  });
  routeOutput(program, io);
  try {
    await program.parseAsync(ownArgs, { from: "user" });
    const interrupted = interruptionOf(signal);
    if (interrupted !== undefined) throw interrupted;
    renderer.close();
    return session?.exitCode ?? EXIT_CODES.ok;
  } catch (error) {
    return reportFailure(error, signal, renderer);
  }
}

/** The exit code of a run that threw; its error (or the interruption that caused it) is rendered. */
function reportFailure(error: unknown, signal: AbortSignal, renderer: Renderer): number {
  if (error instanceof CommanderError) {
    renderer.close();
    // Help and --version end with exit 0; any other parse error is a usage error.
    return error.exitCode === 0 ? 0 : EXIT_CODES.usage;
  }
  const interrupted = interruptionOf(signal);
  const reported =
    interrupted !== undefined && !(error instanceof WheelwrightError && error.code === "usage")
      ? interrupted
      : error;
  renderer.fail(reported);
  renderer.close();
  return reported instanceof WheelwrightError ? reported.exitCode : 1;
}
