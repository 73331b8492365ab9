// What every workflow is given: the injected world. The CLI builds it from the real process; unit
// tests build it with a fake engine, a recording process runner and a fixed clock.
import type { EngineChoice } from "../config/schema.js";
import type { CacheRef } from "../domain/cache-ref.js";
import type { Detection } from "../engine/detect.js";
import type { ProcessRunner } from "../engine/process-runner.js";
import type { EventSink } from "../events.js";
import type { CacheRegistry } from "../execute/cache-registry.js";

export interface WorkflowContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The one way to start a process (git, python, the engine's CLI). */
  readonly runner: ProcessRunner;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  readonly emit: EventSink;
  /** Aborted on SIGINT/SIGTERM: every workflow stops, cleans up and rethrows. */
  readonly signal: AbortSignal;
  readonly toolVersion: string;
  /** Where run-scoped temporary folders go. */
  readonly tmpdir: string;
  /** A fresh id for this run's names (containers, staging folders, candidate tags). */
  newRunId(): string;
  /** Finds the engine (docker, podman or local) for this run; asked only when a workflow needs it. */
  detectEngine(choice: EngineChoice): Promise<Detection>;
  /** Values to hide from everything printed from now on (index credentials, passwords). */
  addSecrets(values: readonly string[]): void;
  /** Standard input, read to its end (for `push --password-stdin`). */
  readStdin(): Promise<string>;
  /** The registry wheel cache's client; the real one (fetch) when not given. */
  openCacheRegistry?(ref: CacheRef, timeoutMs: number): CacheRegistry;
}
