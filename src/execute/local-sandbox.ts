// The local engine: the same helper, run in a virtual environment on the host, on a copy of the
// source in a temporary folder. For machines where no container engine answers.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import type { ProcessRunner } from "../engine/process-runner.js";
import { EngineUnavailableError } from "../errors.js";
import type { BuildSandbox } from "./sandbox.js";

export interface LocalSandboxOptions {
  runner: ProcessRunner;
  env: Record<string, string | undefined>;
  helperFile: string;
  /** Python to create the venv with (default `python3`). */
  python?: string;
}

export function localCacheDir(env: Record<string, string | undefined>): string {
  return path.join(env.XDG_CACHE_HOME ?? path.join(env.HOME ?? homedir(), ".cache"), "wheelwright");
}

export async function startLocalSandbox(options: LocalSandboxOptions): Promise<BuildSandbox> {
  const cache = localCacheDir(options.env);
  const venv = path.join(cache, "local-venv");
  const python = path.join(venv, "bin", "python");
  if (!existsSync(python)) {
    mkdirSync(cache, { recursive: true });
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
  }
  const work = mkdtempSync(path.join(tmpdir(), "wheelwright-local-"));
  const paths = {
    source: path.join(work, "src"),
    out: path.join(work, "out"),
    helper: options.helperFile,
    cache: path.join(cache, "pip"),
    wheels: path.join(work, "wheels"),
  };
  mkdirSync(paths.source);
  mkdirSync(paths.out);
  mkdirSync(paths.wheels);
  return {
    description: `local virtual environment (${venv})`,
    paths,
    python,
    hostPath: (hostPath) => hostPath,
    async putSource(files, sourceDir) {
      for (const file of files) {
        mkdirSync(path.dirname(path.join(paths.source, file)), { recursive: true });
        cpSync(path.join(sourceDir, file), path.join(paths.source, file), { verbatimSymlinks: true });
      }
    },
    async putWheels(files, dir) {
      for (const file of files) cpSync(path.join(dir, file), path.join(paths.wheels, file));
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
    async takeOutput(hostDir) {
      cpSync(paths.out, hostDir, { recursive: true });
    },
    async resetOutput() {
      rmSync(paths.out, { recursive: true, force: true });
      mkdirSync(paths.out);
    },
    async close() {
      rmSync(work, { recursive: true, force: true });
    },
  };
}
