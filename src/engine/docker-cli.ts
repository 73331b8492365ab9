// The docker CLI behind the Engine interface. podman takes the same argv with its own binary name;
// where the two differ it is said here, next to the flag.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { EngineFailureError, EngineUnavailableError, ImageBuildError } from "../errors.js";
import { CONTAINER_READY, containerRunArgv, execArgv, imageBuildArgv, oneOffArgv } from "./docker-argv.js";

import type {
  ContainerEngine,
  ContainerSpec,
  EngineCapabilities,
  EngineFeatures,
  ExecOptions,
  ExecResult,
  ImageBuildSpec,
  ImageInfo,
  OneOffSpec,
  OutputSink,
  RegistryResult,
  RunningContainer,
} from "./engine.js";
import type { ProcessRunner } from "./process-runner.js";

export interface DockerCliOptions {
  /** `docker` or `podman` (or a path to either). */
  binary: string;
  kind: "docker" | "podman";
  runner: ProcessRunner;
  env: Record<string, string | undefined>;
}

const PROBE_TIMEOUT_MS = 10_000;

export function tail(text: string, lines = 25): string[] {
  return text.trimEnd().split("\n").slice(-lines);
}

export class DockerCli implements ContainerEngine {
  readonly kind: "docker" | "podman";
  private capabilities: EngineCapabilities | undefined;
  private featureAnswers: EngineFeatures | undefined;

  constructor(private readonly options: DockerCliOptions) {
    this.kind = options.kind;
  }

  private async cli(args: string[], extra: { timeoutMs?: number; env?: Record<string, string> } = {}) {
    return this.options.runner.run([this.options.binary, ...args], {
      env: { ...this.options.env, ...extra.env },
      timeoutMs: extra.timeoutMs ?? 120_000,
    });
  }

  async probe(): Promise<EngineCapabilities> {
    if (this.capabilities !== undefined) return this.capabilities;
    const version = await this.cli(["version", "--format", "{{json .}}"], { timeoutMs: PROBE_TIMEOUT_MS });
    if (version.exitCode !== 0 || version.timedOut) {
      throw engineUnavailable(this.options.binary, version.stderr, version.timedOut, this.options.env);
    }
    const parsed = JSON.parse(version.stdout) as {
      Client?: { Version?: string };
      Server?: { Version?: string; Platform?: { Name?: string } } | null;
    };
    this.capabilities = {
      kind: this.kind,
      clientVersion: parsed.Client?.Version ?? "unknown",
      serverVersion: parsed.Server?.Version ?? "unknown",
      endpoint:
        this.options.env.DOCKER_HOST ??
        (this.kind === "podman" ? "podman default" : "unix:///var/run/docker.sock"),
    };
    return this.capabilities;
  }

  async features(): Promise<EngineFeatures> {
    if (this.featureAnswers !== undefined) return this.featureAnswers;
    const { clientVersion } = await this.probe();
    const info = await this.cli(["info", "--format", "{{json .SecurityOptions}}"], {
      timeoutMs: PROBE_TIMEOUT_MS,
    });
    this.featureAnswers = {
      buildKit: await this.hasBuildKit(clientVersion),
      rootless: info.stdout.includes("rootless"),
    };
    return this.featureAnswers;
  }

  /**
   * BuildKit is there when the buildx plugin answers, or when the client is older than 23 and so
   * still carries the embedded BuildKit client (DOCKER_BUILDKIT=1). A newer client without buildx
   * only has the legacy builder. podman's `build` is buildah, which handles RUN --mount itself.
   */
  private async hasBuildKit(clientVersion: string): Promise<boolean> {
    if (this.kind === "podman") return true;
    const buildx = await this.cli(["buildx", "version"], { timeoutMs: PROBE_TIMEOUT_MS });
    if (buildx.exitCode === 0) return true;
    const major = Number.parseInt(clientVersion, 10);
    return Number.isFinite(major) && major < 23;
  }

  /** The environment that picks the builder: explicit either way, so a newer client never guesses. */
  private builderEnv(buildKit: boolean): Record<string, string> {
    if (this.kind === "podman") return {};
    return buildKit ? { DOCKER_BUILDKIT: "1", BUILDKIT_PROGRESS: "plain" } : { DOCKER_BUILDKIT: "0" };
  }

  async buildImage(
    spec: ImageBuildSpec,
    onOutput: OutputSink,
    signal?: AbortSignal,
  ): Promise<{ imageId: string }> {
    const scratch = mkdtempSync(path.join(tmpdir(), "wheelwright-iid-"));
    const iidFile = path.join(scratch, "iid");
    try {
      const argv = imageBuildArgv(this.options.binary, this.withLabelInstruction(spec, scratch), [
        "--iidfile",
        iidFile,
      ]);
      const result = await this.options.runner.run(argv, {
        env: { ...this.options.env, ...this.builderEnv(spec.buildKit) },
        onLine: onOutput,
        signal,
      });
      if (result.aborted) throw new ImageBuildError("Image build interrupted");
      if (result.exitCode !== 0) {
        throw new ImageBuildError(`Image build failed: ${spec.dockerfile} (exit ${result.exitCode})`, {
          details: tail(`${result.stdout}\n${result.stderr}`),
          hint: "Read the build output above; fix the Dockerfile or the step that failed, then run the same command again.",
        });
      }
      const imageId = readFileSync(iidFile, "utf8").trim();
      if (imageId === "") throw new ImageBuildError(`Image build of ${spec.dockerfile} reported no image id`);
      return { imageId };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  /**
   * The legacy builder turns each `--label` into a step of its own (a container commit each, about
   * a quarter of a second); all of them as one LABEL instruction appended to a copy of the
   * Dockerfile cost one step. BuildKit applies --label as metadata, so it keeps the flags.
   */
  private withLabelInstruction(spec: ImageBuildSpec, scratch: string): ImageBuildSpec {
    if (spec.buildKit || this.kind === "podman" || Object.keys(spec.labels).length === 0) return spec;
    const quote = (text: string) => JSON.stringify(text);
    const instruction = `LABEL ${Object.entries(spec.labels)
      .map(([key, value]) => `${quote(key)}=${quote(value)}`)
      .join(" ")}`;
    const dockerfile = path.join(scratch, "Dockerfile");
    writeFileSync(
      dockerfile,
      `${readFileSync(spec.dockerfile, "utf8").replace(/\s*$/, "\n")}${instruction}\n`,
    );
    return { ...spec, dockerfile, labels: {} };
  }

  async inspectImage(reference: string): Promise<ImageInfo | undefined> {
    const result = await this.cli(["image", "inspect", "--format", "{{json .}}", reference]);
    if (result.exitCode !== 0) return undefined;
    const raw = JSON.parse(result.stdout) as {
      Id: string;
      Created: string;
      RepoTags: string[] | null;
      Size?: number;
      Config?: { Labels?: Record<string, string> | null; User?: string };
    };
    return {
      id: raw.Id,
      created: raw.Created,
      labels: raw.Config?.Labels ?? {},
      repoTags: raw.RepoTags ?? [],
      user: raw.Config?.User ?? "",
      size: raw.Size ?? 0,
    };
  }

  async listImages(filter: { labels: string[]; dangling?: boolean }): Promise<string[]> {
    const args = ["image", "ls", "-q", "--no-trunc"];
    for (const label of filter.labels) args.push("--filter", `label=${label}`);
    if (filter.dangling) args.push("--filter", "dangling=true");
    const result = await this.cli(args);
    if (result.exitCode !== 0) throw engineFailure("list images", result.stderr);
    return [
      ...new Set(
        result.stdout
          .split("\n")
          .map((line) => line.trim())
          .filter((line) => line !== ""),
      ),
    ];
  }

  async removeImages(ids: string[]): Promise<{ removed: string[]; failed: string[] }> {
    const removed: string[] = [];
    const failed: string[] = [];
    for (const id of ids) {
      // One at a time: an image still used by a container must not stop the others going.
      const result = await this.cli(["image", "rm", id]);
      (result.exitCode === 0 ? removed : failed).push(id);
    }
    return { removed, failed };
  }

  async login(registry: string, username: string, password: string): Promise<RegistryResult> {
    const result = await this.options.runner.run(
      [this.options.binary, "login", registry, "--username", username, "--password-stdin"],
      {
        env: this.options.env,
        input: password,
        timeoutMs: 60_000,
      },
    );
    return {
      exitCode: result.exitCode,
      output: `${result.stdout}${result.stderr}`,
      timedOut: result.timedOut,
      aborted: result.aborted,
    };
  }

  async push(
    reference: string,
    options: { timeoutMs: number; signal?: AbortSignal; onOutput?: OutputSink },
  ): Promise<RegistryResult> {
    const result = await this.options.runner.run([this.options.binary, "push", reference], {
      env: this.options.env,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onLine: options.onOutput,
    });
    return {
      exitCode: result.exitCode,
      output: `${result.stdout}${result.stderr}`,
      timedOut: result.timedOut,
      aborted: result.aborted,
    };
  }

  async remoteDigest(reference: string, insecure: boolean): Promise<string | undefined> {
    const args = ["manifest", "inspect", "--verbose", ...(insecure ? ["--insecure"] : []), reference];
    const result = await this.cli(args, { timeoutMs: 60_000 });
    if (result.exitCode !== 0) return undefined;
    const parsed = JSON.parse(result.stdout) as
      | { Descriptor?: { digest?: string } }
      | { Descriptor?: { digest?: string } }[];
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    return first?.Descriptor?.digest;
  }

  async runOnce(spec: OneOffSpec): Promise<ExecResult> {
    const result = await this.options.runner.run(oneOffArgv(this.options.binary, spec), {
      env: this.options.env,
      onLine: spec.onOutput,
      signal: spec.signal,
      inheritStdio: spec.inheritStdio,
    });
    return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}`, aborted: result.aborted };
  }

  async tagImage(source: string, target: string): Promise<void> {
    const result = await this.cli(["tag", source, target]);
    if (result.exitCode !== 0) throw engineFailure(`tag ${source} as ${target}`, result.stderr);
  }

  async untagImage(reference: string): Promise<void> {
    await this.cli(["image", "rm", reference]);
  }

  async hasDefaultNetwork(): Promise<boolean> {
    // podman's default network is called "podman"; docker's is "bridge".
    return (
      (await this.cli(["network", "inspect", this.kind === "podman" ? "podman" : "bridge"])).exitCode === 0
    );
  }

  async removeVolume(name: string): Promise<boolean> {
    if ((await this.cli(["volume", "inspect", name])).exitCode !== 0) return false;
    const removed = await this.cli(["volume", "rm", "-f", name]);
    if (removed.exitCode !== 0) throw engineFailure(`remove the volume ${name}`, removed.stderr);
    return true;
  }

  async ensureVolume(name: string, labels: Record<string, string>): Promise<void> {
    const exists = await this.cli(["volume", "inspect", name]);
    if (exists.exitCode === 0) return;
    const args = ["volume", "create"];
    for (const [key, value] of Object.entries(labels)) args.push("--label", `${key}=${value}`);
    const created = await this.cli([...args, name]);
    if (created.exitCode !== 0) throw engineFailure(`create the volume ${name}`, created.stderr);
  }

  async listContainers(labels: string[]): Promise<string[]> {
    const args = ["ps", "-a", "--format", "{{.Names}}"];
    for (const label of labels) args.push("--filter", `label=${label}`);
    const result = await this.cli(args);
    if (result.exitCode !== 0) throw engineFailure("list containers", result.stderr);
    return result.stdout
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
  }

  async removeContainers(names: string[]): Promise<void> {
    // -f: after ENOSPC the daemon can report an exited container as "Up"; remove it regardless.
    if (names.length > 0) await this.cli(["rm", "-f", "-v", ...names]);
  }

  async startContainer(spec: ContainerSpec, signal?: AbortSignal): Promise<RunningContainer> {
    const keepalive = new PassThrough();
    // The container's main process prints a marker once its folders exist: no polling needed.
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const running = this.options.runner.run(containerRunArgv(this.options.binary, spec), {
      env: this.options.env,
      input: keepalive,
      onLine: (line, stream) => {
        if (stream === "stdout" && line.trim() === CONTAINER_READY) markReady();
      },
    });
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 60_000).unref());
    const aborted = new Promise<"aborted">((resolve) =>
      signal?.addEventListener("abort", () => resolve("aborted")),
    );
    const outcome = await Promise.race([
      ready.then(() => "ready" as const),
      running.then(() => "exited" as const),
      timeout,
      aborted,
    ]);
    if (outcome === "ready") return new DockerContainer(this, spec.name, keepalive, running);
    keepalive.end();
    await this.removeContainers([spec.name]);
    const result = await running;
    if (outcome === "aborted") signal?.throwIfAborted();
    throw new EngineFailureError(`Could not start a container from ${spec.image}`, {
      details: tail(result.stderr, 10),
      hint: "Check that the image exists (`wheelwright image` builds it) and that the engine is healthy.",
    });
  }

  /** Used by DockerContainer: the raw CLI with this engine's binary and environment. */
  run(args: string[], options: Parameters<ProcessRunner["run"]>[1] = {}) {
    return this.options.runner.run([this.options.binary, ...args], {
      ...options,
      env: { ...this.options.env, ...options.env },
    });
  }

  get binary(): string {
    return this.options.binary;
  }
}

class DockerContainer implements RunningContainer {
  constructor(
    private readonly engine: DockerCli,
    readonly name: string,
    private readonly keepalive: PassThrough,
    private readonly running: Promise<unknown>,
  ) {}

  async exec(argv: string[], options: ExecOptions = {}) {
    const full = execArgv(this.engine.binary, this.name, argv, options);
    const result = await this.engine.run(full.slice(1), {
      env: options.secretEnv ?? {},
      onLine: options.onOutput,
      signal: options.signal,
      inheritStdio: options.inheritStdio,
    });
    return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}`, aborted: result.aborted };
  }

  async copyIn(tar: NodeJS.ReadableStream, dir: string): Promise<void> {
    const result = await this.engine.run(["cp", "-", `${this.name}:${dir}`], { input: tar });
    if (result.exitCode !== 0) throw engineFailure(`copy files into ${this.name}:${dir}`, result.stderr);
  }

  async copyOut(path: string, into: NodeJS.WritableStream): Promise<void> {
    const result = await this.engine.run(["cp", `${this.name}:${path}`, "-"], { stdoutTo: into });
    if (result.exitCode !== 0) throw engineFailure(`copy ${path} out of ${this.name}`, result.stderr);
  }

  async stop(): Promise<void> {
    // Closing stdin ends the main process; `docker run --rm` then returns once the container is
    // removed. Only when that does not happen in time (a wedged daemon) is it forced.
    this.keepalive.end();
    const exited = await Promise.race([
      this.running.then(
        (result) => (result as { exitCode?: number }).exitCode === 0,
        () => false,
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000).unref()),
    ]);
    if (!exited) await this.engine.run(["rm", "-f", "-v", this.name]);
    await this.running.catch(() => undefined);
  }
}

function engineFailure(what: string, stderr: string): EngineFailureError {
  return new EngineFailureError(`The engine failed to ${what}`, { details: tail(stderr, 10) });
}

/** Tells "not running" from "not permitted" from "not installed", each with its own hint. */
export function engineUnavailable(
  binary: string,
  stderr: string,
  timedOut: boolean,
  env: Record<string, string | undefined>,
): EngineUnavailableError {
  const where = env.DOCKER_HOST ?? "the local socket";
  if (timedOut) {
    return new EngineUnavailableError(
      `The ${binary} engine at ${where} did not answer within ${PROBE_TIMEOUT_MS / 1000} s`,
      {
        hint: "Check that the daemon is running and reachable, or set DOCKER_HOST.",
      },
    );
  }
  if (/permission denied/i.test(stderr)) {
    return new EngineUnavailableError(`Permission denied on the ${binary} engine's socket (${where})`, {
      details: tail(stderr, 3),
      hint: "Add your user to the `docker` group (then log in again), or use a rootless engine.",
    });
  }
  if (
    /ENOENT|not found|No such file or directory.*\b(docker|podman)\b/i.test(stderr) &&
    !/socket|daemon/i.test(stderr)
  ) {
    return new EngineUnavailableError(`The ${binary} command is not installed`, {
      hint: "Install Docker or Podman, or use `--engine local` to build in a virtual environment on this machine.",
    });
  }
  return new EngineUnavailableError(`The ${binary} engine is not running (${where})`, {
    details: tail(stderr, 3),
    hint: "Start the daemon (e.g. `sudo dockerd --bridge=none --iptables=false &`, see the README), or use `--engine local`.",
  });
}
