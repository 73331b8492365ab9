// What every command needs: the injected world (env, cwd, runner, clock, output), the loaded
// project, and the event sink. Built once per run by the entry point and passed down; commands turn
// it into the WorkflowContext the workflows take.
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { type LoadedProject, loadProject } from "../config/load.js";
import type { ConfigKey, EngineChoice } from "../config/schema.js";
import { createRedactor } from "../domain/index-settings.js";
import { type Detection, detectEngine } from "../engine/detect.js";
import type { ProcessRunner } from "../engine/process-runner.js";
import { InputError } from "../errors.js";
import type { EventSink } from "../events.js";
import { RUN_ID_PATTERN } from "../execute/scratch.js";
import type { WorkflowContext } from "../workflows/context.js";

export interface Session {
  cwd: string;
  env: Record<string, string | undefined>;
  runner: ProcessRunner;
  clock: () => number;
  /** Results (stdout). */
  out: (text: string) => void;
  emit: EventSink;
  json: boolean;
  signal: AbortSignal;
  flags: Partial<Record<ConfigKey, unknown>>;
  toolVersion: string;
  /** `--target NAME` (repeatable): the targets to run for; empty: every target. */
  targets: string[];
  /** `--jobs N`: targets run at a time; undefined: by the machine's CPUs. */
  jobs: number | undefined;
  /** The words after `--` (for `build -- CMD`), undefined when there was no `--`. */
  passthrough: string[] | undefined;
  /** A command whose exit code is its child's (`build -- CMD`) sets it. */
  exitCode: number | undefined;
  /** Installs the secret redactor for everything printed from now on. */
  setRedactor(redact: (text: string) => string): void;
  /** Standard input (for `push --password-stdin`); the process's when not given. */
  stdin?: NodeJS.ReadableStream;
  /** Finds the engine; the real detection when not given (unit tests pass a fake engine). */
  detect?: (choice: EngineChoice) => Promise<Detection>;
}

export function loadSessionProject(session: Session): LoadedProject {
  return loadProject({ cwd: session.cwd, env: session.env, flags: session.flags });
}

/**
 * A fresh id for a run's names; WHEELWRIGHT_RUN_ID fixes it (so a `--dry-run` and the run that
 * follows name the same containers and folders, which the tests compare).
 */
function runIdFrom(env: Readonly<Record<string, string | undefined>>): string {
  const fixed = env.WHEELWRIGHT_RUN_ID;
  if (fixed === undefined || fixed === "") return randomBytes(5).toString("hex");
  if (!RUN_ID_PATTERN.test(fixed))
    throw new InputError(`WHEELWRIGHT_RUN_ID: '${fixed}' must be 4 to 32 lowercase letters or digits`);
  return fixed;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/** The workflows' view of the session: one detection per run, secrets collected for redaction. */
export function workflowContext(session: Session): WorkflowContext {
  const secrets = new Set<string>();
  let detection: Promise<Detection> | undefined;
  return {
    env: session.env,
    runner: session.runner,
    clock: session.clock,
    emit: session.emit,
    signal: session.signal,
    toolVersion: session.toolVersion,
    tmpdir: session.env.TMPDIR ?? tmpdir(),
    newRunId: () => runIdFrom(session.env),
    detectEngine(choice) {
      detection ??=
        session.detect?.(choice) ?? detectEngine({ choice, env: session.env, runner: session.runner });
      return detection;
    },
    addSecrets(values) {
      for (const value of values) if (value.length >= 3) secrets.add(value);
      session.setRedactor(createRedactor([...secrets]));
    },
    readStdin: () => readAll(session.stdin ?? process.stdin),
  };
}
