// Where the builder helper runs: a long-lived labelled container, or a temporary folder with a
// virtual environment on the host (the local engine). The build orchestration is the same for both.
import type { ExecOptions, ExecResult } from "../engine/engine.js";

export interface SandboxPaths {
  source: string;
  /** The handoff folder the host reads at the end (only the wheels and the report go there). */
  out: string;
  work: string;
  /** Where the helper package is (on PYTHONPATH). */
  bin: string;
  wheels: string;
  /** The builder's own temporary home: the netrc with index credentials goes here. */
  home: string;
  /** Files the host hands over (the request). */
  input: string;
  cache: string;
}

export interface SandboxFile {
  name: string;
  content: string;
  /** 0o600 for secrets (the netrc). */
  mode: number;
}

/** Everything a build hands the builder before the helper runs (one copy where the engine is remote). */
export interface SandboxInputs {
  source: { files: readonly string[]; dir: string };
  /** Wheels (file names in `dir`) for `paths.wheels`. */
  wheels?: { files: readonly string[]; dir: string };
  /** Small files the host made, each set for a folder of `paths`. */
  files: readonly { dir: string; files: readonly SandboxFile[] }[];
}

export interface BuildSandbox {
  /** Shown to the user: `container wheelwright-1a2b3c (docker)` or `local venv (/home/u/.cache/...)`. */
  readonly description: string;
  /** Paths as the builder sees them. */
  readonly paths: SandboxPaths;
  /** The builder's Python. */
  readonly python: string;
  putSource(files: readonly string[], sourceDir: string): Promise<void>;
  /** Copies wheels (file names in `dir`) into `paths.wheels`. */
  putWheels(files: readonly string[], dir: string): Promise<void>;
  /** Writes small files the host made (the request, the netrc) into `dir` (one of `paths`). */
  putFiles(dir: string, files: readonly SandboxFile[]): Promise<void>;
  /** All of a build's inputs at once: what putSource, putWheels and putFiles would each put. */
  putInputs(inputs: SandboxInputs): Promise<void>;
  run(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /**
   * Freezes everything running in the builder (no build step can change its output any more), then
   * streams `paths.out` into `into` as a tar whose top folder is `out/`. Nothing is unpacked here.
   */
  readOutput(into: NodeJS.WritableStream): Promise<void>;
  /** How many processes the builder's memory limit killed so far (undefined: cannot tell). */
  oomKills(): Promise<number | undefined>;
  /** Whether the engine still answers (false: it went away during the run). */
  engineAnswers(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Runs `work` (host-side work on what the builder already handed over) while the sandbox closes,
 * and returns once both are done. A removal takes a fifth of a second; it need not wait for the
 * host's checks, nor they for it. The work's error wins over the close's, and the close's error is
 * caught at once, so it is never an unhandled rejection while the work runs.
 */
export async function closeDuring<T>(sandbox: BuildSandbox, work: () => Promise<T>): Promise<T> {
  const closed = sandbox.close().then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await closed;
    throw error;
  }
  const failure = await closed;
  if (failure !== undefined) throw failure.error;
  return result;
}
