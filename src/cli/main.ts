#!/usr/bin/env node
// The entry point: the real process's argv, environment, folder and streams go to runWheelwright,
// SIGINT/SIGTERM become an abort, and this is the only place that exits the process.
import { InterruptedError } from "../errors.js";
import { runWheelwright } from "./entry.js";
import { formatError } from "./render.js";

const abort = new AbortController();
const onSignal = (signal: "SIGINT" | "SIGTERM") => {
  // The first signal stops the run; later ones wait for its cleanup.
  if (abort.signal.aborted) return;
  process.stderr.write(`\n${signal} received: stopping and cleaning up...\n`);
  abort.abort(new InterruptedError(signal));
};
process.on("SIGINT", () => onSignal("SIGINT"));
process.on("SIGTERM", () => onSignal("SIGTERM"));

runWheelwright({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: abort.signal,
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(formatError(error));
    process.exit(1);
  },
);
