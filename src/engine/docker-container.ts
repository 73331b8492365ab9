// The long-lived builder container: started with `docker run -i --rm` whose main process ends when
// our stdin closes (so it goes away by itself even if wheelwright is SIGKILLed), then driven with
// exec, cp and pause, and removed at the end.
import { PassThrough } from "node:stream";
import {
  builderRunCommand,
  CONTAINER_READY,
  type ContainerSpec,
  copyInCommand,
  copyOutCommand,
  execCommand,
  pauseCommand,
  removeContainersCommand,
} from "../domain/engine-commands.js";
import { EngineFailureError } from "../errors.js";
import type { DockerCli } from "./docker-cli.js";
import type { ExecOptions, ExecResult, RunningContainer } from "./engine.js";
import { engineFailure, tail } from "./engine-errors.js";
import type { RunResult } from "./process-runner.js";

const START_TIMEOUT_MS = 120_000;

export async function startDockerContainer(
  engine: DockerCli,
  spec: ContainerSpec,
  signal?: AbortSignal,
): Promise<RunningContainer> {
  const keepalive = new PassThrough();
  // The container's main process prints a marker once its folders exist: no polling needed.
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const running = engine.run(builderRunCommand(engine.binary, spec), {
    input: keepalive,
    onLine: (line, stream) => {
      if (stream === "stdout" && line.trim() === CONTAINER_READY) markReady();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), START_TIMEOUT_MS);
  });
  const aborted = new Promise<"aborted">((resolve) => {
    if (signal?.aborted) resolve("aborted");
    signal?.addEventListener("abort", () => resolve("aborted"), { once: true });
  });
  const outcome = await Promise.race([
    ready.then(() => "ready" as const),
    running.then(() => "exited" as const),
    timeout,
    aborted,
  ]);
  clearTimeout(timer);
  if (outcome === "ready") return new DockerContainer(engine, spec.name, keepalive, running);
  keepalive.end();
  await engine.run(removeContainersCommand(engine.binary, [spec.name]), { timeoutMs: 60_000 });
  const result = await running;
  if (outcome === "aborted") signal?.throwIfAborted();
  throw new EngineFailureError(`Could not start a container from ${spec.image}`, {
    details: tail(result.stderr, 10),
    hint: "Check that the image exists (`wheelwright image` builds it) and that the engine is healthy.",
  });
}

class DockerContainer implements RunningContainer {
  private stopped = false;

  constructor(
    private readonly engine: DockerCli,
    readonly name: string,
    private readonly keepalive: PassThrough,
    private readonly running: Promise<RunResult>,
  ) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const command = execCommand(this.engine.binary, {
      container: this.name,
      argv,
      env: options.env,
      secretEnvNames: Object.keys(options.secretEnv ?? {}),
      workdir: options.workdir,
      ...(options.user === undefined ? {} : { user: options.user }),
    });
    const result = await this.engine.run(command, {
      env: options.secretEnv ?? {},
      secretEnvNames: Object.keys(options.secretEnv ?? {}),
      onLine: options.onOutput,
      signal: options.signal,
      inheritStdio: options.inheritStdio,
    });
    return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}`, aborted: result.aborted };
  }

  async copyIn(tar: NodeJS.ReadableStream, dir: string): Promise<void> {
    const result = await this.engine.run(copyInCommand(this.engine.binary, this.name, dir), { input: tar });
    if (result.exitCode !== 0) throw engineFailure(`copy files into ${this.name}:${dir}`, result.stderr);
  }

  async copyOut(path: string, into: NodeJS.WritableStream): Promise<void> {
    const result = await this.engine.run(copyOutCommand(this.engine.binary, this.name, path), {
      stdoutTo: into,
    });
    if (result.exitCode !== 0) throw engineFailure(`copy ${path} out of ${this.name}`, result.stderr);
  }

  async pause(): Promise<void> {
    const result = await this.engine.run(pauseCommand(this.engine.binary, this.name), { timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw engineFailure(`pause ${this.name}`, result.stderr);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Always removed explicitly (works on a paused container, and on one whose main process is
    // wedged); closing stdin first ends the main process where it still can.
    this.keepalive.end();
    await this.engine.run(removeContainersCommand(this.engine.binary, [this.name]), { timeoutMs: 60_000 });
    await this.running.catch(() => undefined);
  }
}
