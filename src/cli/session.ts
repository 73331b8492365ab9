// What every command needs: the injected world (env, cwd, runner, clock, output), the loaded
// project, and the event sink. Built once in main.ts and passed down.
import { type LoadedProject, loadProject } from "../config/load.js";
import type { ConfigKey } from "../config/schema.js";
import { type Detection, detectEngine } from "../engine/detect.js";
import type { ProcessRunner } from "../engine/process-runner.js";
import type { EventSink } from "../events.js";

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
  /** The words after `--` (for `build -- CMD`), undefined when there was no `--`. */
  passthrough: string[] | undefined;
  /** A command whose exit code is its child's (`build -- CMD`) sets it. */
  exitCode: number | undefined;
  /** Installs the secret redactor for everything printed from now on. */
  setRedactor(redact: (text: string) => string): void;
  /** Standard input (for `push --password-stdin`); the process's when not given. */
  stdin?: NodeJS.ReadableStream;
}

export function loadSessionProject(session: Session): LoadedProject {
  return loadProject({ cwd: session.cwd, env: session.env, flags: session.flags });
}

export async function detectSessionEngine(session: Session, project: LoadedProject): Promise<Detection> {
  return detectEngine({ choice: project.config.engine.value, env: session.env, runner: session.runner });
}
