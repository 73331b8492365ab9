#!/usr/bin/env node
// The entry point: builds the session from the real world, runs the program, and is the only
// place that exits the process (with the error's stable exit code).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { realProcessRunner } from "../engine/process-runner.js";
import { EXIT_CODES, InterruptedError, WheelwrightError } from "../errors.js";
import { splitCommandLine } from "./command-line.js";
import { createProgram } from "./program.js";
import { chooseMode, createRenderer, formatError } from "./render.js";
import type { Session } from "./session.js";

const packageJson = JSON.parse(
  readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "package.json"), "utf8"),
) as { version: string };

async function main(argv: string[]): Promise<number> {
  const env = { ...process.env };
  const abort = new AbortController();
  let interruption: "SIGINT" | "SIGTERM" | undefined;
  const onSignal = (signal: "SIGINT" | "SIGTERM") => {
    if (interruption !== undefined) return;
    interruption = signal;
    process.stderr.write(`\n${signal} received: stopping and cleaning up...\n`);
    abort.abort(new InterruptedError(signal));
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));

  // `build -- CMD`: everything after the first `--` belongs to the command, not to us.
  const { own: ownArgs, command: passthrough } = splitCommandLine(argv);
  let redact = (text: string) => text;
  let renderer = createRenderer("plain", (text) => process.stderr.write(text), env);
  let session: Session | undefined;
  const program = createProgram(packageJson.version, (globals) => {
    const json = globals.json === true;
    renderer = createRenderer(
      chooseMode(json, process.stderr, env),
      (text) => process.stderr.write(text),
      env,
      (text) => redact(text),
      globals.verbose === true,
    );
    session = {
      cwd: path.resolve(String(globals.cwd ?? ".")),
      env,
      runner: realProcessRunner,
      clock: Date.now,
      emit: (event) => renderer.event(event),
      json,
      signal: abort.signal,
      flags: (globals.flags ?? {}) as Session["flags"],
      toolVersion: packageJson.version,
      passthrough,
      exitCode: undefined,
      setRedactor: (next) => {
        redact = next;
      },
      out: (text) => process.stdout.write(redact(text)),
    };
    return session;
  });
  try {
    await program.parseAsync(ownArgs, { from: "user" });
    renderer.close();
    if (interruption !== undefined) throw new InterruptedError(interruption);
    return session?.exitCode ?? EXIT_CODES.ok;
  } catch (error) {
    renderer.close();
    if (error instanceof CommanderError) {
      // Help and --version end with exit 0; any other parse error is a usage error.
      return error.exitCode === 0 ? 0 : EXIT_CODES.usage;
    }
    const reported =
      interruption !== undefined && !(error instanceof WheelwrightError && error.code === "usage")
        ? new InterruptedError(interruption)
        : error;
    process.stderr.write(formatError(reported, redact));
    return reported instanceof WheelwrightError ? reported.exitCode : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(formatError(error));
    process.exit(1);
  },
);
