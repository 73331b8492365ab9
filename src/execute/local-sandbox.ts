// The local engine: the same helper, run in a virtual environment on the host, on a copy of the
// source in a temporary folder. For machines where no container engine answers. It isolates
// nothing (third-party build code runs as the user): the host still checks everything the helper
// hands over, exactly as it does a container's output.
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ExecOptions, ExecResult } from "../engine/engine.js";
import type { ProcessRunner } from "../engine/process-runner.js";
import { EngineUnavailableError } from "../errors.js";
import { localCacheDir } from "./cache-dir.js";
import type { BuildSandbox, SandboxFile, SandboxInputs, SandboxPaths } from "./sandbox.js";
import { loadTar } from "./tar-lib.js";

export interface LocalSandboxOptions {
  runner: ProcessRunner;
  env: Readonly<Record<string, string | undefined>>;
  /** The folder holding the helper package (used in place). */
  helperParent: string;
  /** Python to create the venv with (default `python3`). */
  python?: string;
  tmpdir?: string;
  /** Empty caches of its own (removed with it), not the shared local cache. */
  freshCache?: boolean;
}

async function ensureVenv(options: LocalSandboxOptions, venv: string): Promise<string> {
  const python = path.join(venv, "bin", "python");
  if (existsSync(python)) return python;
  mkdirSync(path.dirname(venv), { recursive: true });
  const made = await options.runner.run([options.python ?? "python3", "-m", "venv", venv], {
    env: options.env,
    timeoutMs: 300_000,
  });
  if (made.exitCode !== 0) {
    rmSync(venv, { recursive: true, force: true });
    throw new EngineUnavailableError("The local engine could not create a Python virtual environment", {
      details: `${made.stdout}${made.stderr}`.trim().split("\n").slice(-5),
      hint: "Install Python 3 with venv and pip (Debian: `apt-get install python3-venv`), or start a container engine.",
    });
  }
  return python;
}

export async function startLocalSandbox(options: LocalSandboxOptions): Promise<BuildSandbox> {
  const cache = localCacheDir(options.env);
  const venv = path.join(cache, "local-venv");
  const python = await ensureVenv(options, venv);
  const work = mkdtempSync(path.join(options.tmpdir ?? tmpdir(), "wheelwright-local-"));
  const paths: SandboxPaths = {
    source: path.join(work, "src"),
    out: path.join(work, "out"),
    work: path.join(work, "work"),
    bin: options.helperParent,
    wheels: path.join(work, "wheels"),
    home: path.join(work, "home"),
    input: path.join(work, "input"),
    cache: options.freshCache ? path.join(work, "cache") : path.join(cache, "local-cache"),
  };
  for (const dir of [paths.source, paths.out, paths.work, paths.wheels, paths.home, paths.input])
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  return new LocalSandbox(options, venv, python, work, paths);
}

class LocalSandbox implements BuildSandbox {
  readonly description: string;

  constructor(
    private readonly options: LocalSandboxOptions,
    private readonly venv: string,
    readonly python: string,
    private readonly work: string,
    readonly paths: SandboxPaths,
  ) {
    this.description = `local virtual environment (${venv})`;
  }

  async putSource(files: readonly string[], sourceDir: string): Promise<void> {
    for (const file of files) {
      mkdirSync(path.dirname(path.join(this.paths.source, file)), { recursive: true });
      cpSync(path.join(sourceDir, file), path.join(this.paths.source, file), { verbatimSymlinks: true });
    }
  }

  async putWheels(files: readonly string[], dir: string): Promise<void> {
    for (const file of files) cpSync(path.join(dir, file), path.join(this.paths.wheels, file));
  }

  async putFiles(dir: string, files: readonly SandboxFile[]): Promise<void> {
    for (const file of files) {
      writeFileSync(path.join(dir, file.name), file.content, { mode: file.mode });
      chmodSync(path.join(dir, file.name), file.mode);
    }
  }

  async putInputs(inputs: SandboxInputs): Promise<void> {
    await this.putSource(inputs.source.files, inputs.source.dir);
    if (inputs.wheels !== undefined) await this.putWheels(inputs.wheels.files, inputs.wheels.dir);
    for (const { dir, files } of inputs.files) await this.putFiles(dir, files);
  }

  async run(argv: readonly string[], runOptions: ExecOptions = {}): Promise<ExecResult> {
    const result = await this.options.runner.run(argv, {
      cwd: runOptions.workdir ?? this.paths.source,
      env: {
        ...this.options.env,
        ...runOptions.env,
        ...runOptions.secretEnv,
        VIRTUAL_ENV: this.venv,
        PATH: `${path.dirname(this.python)}:${this.options.env.PATH ?? ""}`,
      },
      secretEnvNames: Object.keys(runOptions.secretEnv ?? {}),
      onLine: runOptions.onOutput,
      signal: runOptions.signal,
      inheritStdio: runOptions.inheritStdio,
    });
    return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}`, aborted: result.aborted };
  }

  async readOutput(into: NodeJS.WritableStream): Promise<void> {
    // The same archive a container's `cp` gives (top folder `out/`), links kept as links (the
    // host's receiver refuses them): nothing is followed or unpacked here.
    const out = this.paths.out;
    const tar = await loadTar();
    const pack = tar.c({ cwd: path.dirname(out), portable: true, follow: false }, [path.basename(out)]);
    await new Promise<void>((resolve, reject) => {
      pack.on("error", reject);
      into.on("error", reject);
      into.on("finish", resolve);
      (pack as unknown as NodeJS.ReadableStream).pipe(into);
    });
  }

  async oomKills(): Promise<number | undefined> {
    return undefined;
  }

  async engineAnswers(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    rmSync(this.work, { recursive: true, force: true });
  }
}
