// Where the builder helper runs: a long-lived labelled container, or a temporary folder with a
// virtual environment on the host (the local engine). The build orchestration is the same for both.
import type { ExecOptions, ExecResult } from "../engine/engine.js";

export interface BuildSandbox {
  /** Shown to the user: `container wheelwright-1a2b3c (docker)` or `local venv (/home/u/.cache/...)`. */
  readonly description: string;
  /** Paths as the builder sees them. */
  readonly paths: { source: string; out: string; helper: string; cache: string; wheels: string };
  /** The builder's Python. */
  readonly python: string;
  /** Makes a host folder of find-links available; returns the path the builder sees. */
  hostPath(hostPath: string): string;
  putSource(files: readonly string[], sourceDir: string): Promise<void>;
  /** Copies wheels (file names in `dir`) into `paths.wheels`. */
  putWheels(files: readonly string[], dir: string): Promise<void>;
  run(argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Copies the builder's output folder into `hostDir` (empty), owned by the invoking user. */
  takeOutput(hostDir: string): Promise<void>;
  /** Empties the output folder for a second pass. */
  resetOutput(): Promise<void>;
  close(): Promise<void>;
}
