// The local engine: the same helper, run in a virtual environment on the host, on a copy of the
// source in a temporary folder. For machines where no container engine answers. It isolates
// nothing (third-party build code runs as the user): the host still checks everything the helper
// hands over, exactly as it does a container's output.
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import * as tar from "tar";
import type { ProcessRunner } from "../engine/process-runner.js";
import { EngineUnavailableError } from "../errors.js";
import type { BuildSandbox, SandboxPaths } from "./sandbox.js";

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

export function localCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return path.join(env.XDG_CACHE_HOME ?? path.join(env.HOME ?? homedir(), ".cache"), "wheelwright");
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
  return {
    description: `local virtual environment (${venv})`,
    paths,
    python,
    async putSource(files, sourceDir) {
      for (const file of files) {
        mkdirSync(path.dirname(path.join(paths.source, file)), { recursive: true });
        cpSync(path.join(sourceDir, file), path.join(paths.source, file), { verbatimSymlinks: true });
      }
    },
    async putWheels(files, dir) {
      for (const file of files) cpSync(path.join(dir, file), path.join(paths.wheels, file));
    },
    async putFiles(dir, files) {
      for (const file of files) {
        writeFileSync(path.join(dir, file.name), file.content, { mode: file.mode });
        chmodSync(path.join(dir, file.name), file.mode);
      }
    },
    async run(argv, runOptions = {}) {
      const result = await options.runner.run(argv, {
        cwd: runOptions.workdir ?? paths.source,
        env: {
          ...options.env,
          ...runOptions.env,
          ...runOptions.secretEnv,
          VIRTUAL_ENV: venv,
          PATH: `${path.dirname(python)}:${options.env.PATH ?? ""}`,
        },
        onLine: runOptions.onOutput,
        signal: runOptions.signal,
        inheritStdio: runOptions.inheritStdio,
      });
      return {
        exitCode: result.exitCode,
        output: `${result.stdout}${result.stderr}`,
        aborted: result.aborted,
      };
    },
    async readOutput(into) {
      // The same archive a container's `cp` gives (top folder `out/`), links kept as links (the
      // host's receiver refuses them): nothing is followed or unpacked here.
      const pack = tar.c({ cwd: path.dirname(paths.out), portable: true, follow: false }, [
        path.basename(paths.out),
      ]);
      await new Promise<void>((resolve, reject) => {
        pack.on("error", reject);
        into.on("error", reject);
        into.on("finish", resolve);
        (pack as unknown as NodeJS.ReadableStream).pipe(into);
      });
    },
    oomKills: async () => undefined,
    engineAnswers: async () => true,
    async close() {
      rmSync(work, { recursive: true, force: true });
    },
  };
}
