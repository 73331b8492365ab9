// The docker CLI behind the Engine interface. podman takes the same argv with its own binary name;
// where the two differ in the command lines it is said next to the flag (src/domain/engine-commands.ts),
// and where they differ in what they answer, PodmanCli (./podman-cli.ts) says why.
import {
  type EngineBinary,
  type EngineCommand,
  imageBuildCommand,
  loginCommand,
  oneOffCommand,
  pushCommand,
  remoteDigestCommand,
  removeContainersCommand,
  removeImageCommand,
  removeVolumeCommand,
  tagCommand,
  volumeCreateCommand,
} from "../domain/engine-commands.js";
import type { ManifestListMember } from "../domain/manifest-list-commands.js";
import { platformOf } from "../domain/platform.js";
import { ImageBuildError } from "../errors.js";
import { startDockerContainer } from "./docker-container.js";
import { dockerEndpoint } from "./docker-context.js";
import type {
  BuiltImage,
  ContainerEngine,
  ContainerSpec,
  EngineCapabilities,
  EngineFeatures,
  ExecResult,
  ImageBuildSpec,
  ImageInfo,
  ManifestListOptions,
  ManifestListResult,
  OneOffIo,
  OneOffSpec,
  OutputSink,
  RegistryOptions,
  RegistryResult,
  RunningContainer,
} from "./engine.js";
import {
  ENGINE_NO_SPACE,
  engineFailure,
  engineOutOfSpace,
  engineUnavailable,
  PROBE_TIMEOUT_MS,
  tail,
} from "./engine-errors.js";
import { imageInfoOf, type RawImage } from "./image-info.js";
import { publishManifestList } from "./manifest-list-publisher.js";
import type { ProcessRunner, RunOptions, RunResult } from "./process-runner.js";

export interface DockerCliOptions {
  /** `docker` or `podman`. */
  binary: EngineBinary;
  runner: ProcessRunner;
  env: Readonly<Record<string, string | undefined>>;
}

const lines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

export class DockerCli implements ContainerEngine {
  readonly kind: EngineBinary;
  private capabilities: EngineCapabilities | undefined;
  private featureAnswers: EngineFeatures | undefined;

  constructor(protected readonly options: DockerCliOptions) {
    this.kind = options.binary;
  }

  get binary(): EngineBinary {
    return this.options.binary;
  }

  /** Runs an engine command (its argv and env exactly as planned) with this engine's environment. */
  run(command: EngineCommand, options: RunOptions = {}): Promise<RunResult> {
    return this.options.runner.run(command.argv, {
      ...options,
      env: { ...this.options.env, ...command.env, ...options.env },
    });
  }

  protected cli(args: string[], timeoutMs = 120_000): Promise<RunResult> {
    return this.run({ argv: [this.binary, ...args], env: {} }, { timeoutMs });
  }

  async probe(): Promise<EngineCapabilities> {
    if (this.capabilities !== undefined) return this.capabilities;
    // The client's context is asked while the engine is; an engine that does not answer is the error told.
    const [version, endpoint] = await Promise.allSettled([
      this.cli(["version", "--format", "{{json .}}"], PROBE_TIMEOUT_MS),
      dockerEndpoint((args) => this.cli(args, PROBE_TIMEOUT_MS), this.options.env),
    ]);
    if (version.status === "rejected") throw version.reason;
    const answer = version.value;
    if (answer.exitCode !== 0 || answer.timedOut)
      throw engineUnavailable(this.binary, answer.stderr, answer.timedOut, this.options.env);
    if (endpoint.status === "rejected") throw endpoint.reason;
    const parsed = JSON.parse(answer.stdout) as {
      Client?: { Version?: string };
      Server?: { Version?: string; Os?: string; Arch?: string } | null;
    };
    this.capabilities = {
      kind: this.kind,
      clientVersion: parsed.Client?.Version ?? "unknown",
      serverVersion: parsed.Server?.Version ?? "unknown",
      ...endpoint.value,
      platform: platformOf(parsed.Server?.Os, parsed.Server?.Arch),
    };
    return this.capabilities;
  }

  /** Whether the engine answers now (uncached): tells "the engine went away" from a failed command. */
  async answers(): Promise<boolean> {
    const version = await this.cli(["version", "--format", "{{.Server.Version}}"], PROBE_TIMEOUT_MS);
    return version.exitCode === 0 && !version.timedOut;
  }

  async features(): Promise<EngineFeatures> {
    if (this.featureAnswers !== undefined) return this.featureAnswers;
    const { clientVersion } = await this.probe();
    const [info, buildKit] = await Promise.all([
      this.cli(["info", "--format", "{{json .SecurityOptions}}"], PROBE_TIMEOUT_MS),
      this.hasBuildKit(clientVersion),
    ]);
    this.featureAnswers = { buildKit, rootless: info.stdout.includes("rootless") };
    return this.featureAnswers;
  }

  /**
   * BuildKit is there when the buildx plugin answers, or when the client is older than 23 and so
   * still carries the embedded BuildKit client (DOCKER_BUILDKIT=1). A newer client without buildx
   * only has the legacy builder.
   */
  private async hasBuildKit(clientVersion: string): Promise<boolean> {
    const major = Number.parseInt(clientVersion, 10);
    if (Number.isFinite(major) && major < 23) return true;
    const buildx = await this.cli(["buildx", "version"], PROBE_TIMEOUT_MS);
    return buildx.exitCode === 0;
  }

  async buildImage(spec: ImageBuildSpec, onOutput: OutputSink, signal?: AbortSignal): Promise<BuiltImage> {
    const result = await this.run(imageBuildCommand(this.binary, spec), { onLine: onOutput, signal });
    if (result.aborted) throw new ImageBuildError("Image build interrupted");
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.exitCode !== 0) {
      if (ENGINE_NO_SPACE.test(output)) throw engineOutOfSpace(`build ${spec.dockerfile}`, output);
      throw new ImageBuildError(`Image build failed: ${spec.dockerfile} (exit ${result.exitCode})`, {
        details: tail(output),
        hint: "Read the build output above; fix the Dockerfile or the step that failed, then run the same command again.",
      });
    }
    // The id the first tag names now (no --iidfile: the argv stays exactly what the plan printed).
    const built = spec.tags[0] === undefined ? undefined : await this.inspectImage(spec.tags[0]);
    if (built === undefined) throw new ImageBuildError(`Image build of ${spec.dockerfile} left no image`);
    return { imageId: built.id, info: built };
  }

  async inspectImage(reference: string): Promise<ImageInfo | undefined> {
    const result = await this.cli(["image", "inspect", "--format", "{{json .}}", reference]);
    if (result.exitCode !== 0) return undefined;
    return imageInfoOf(JSON.parse(result.stdout) as RawImage, reference);
  }

  async listImages(filter: { labels: string[]; dangling?: boolean }): Promise<string[]> {
    const args = ["image", "ls", "-q", "--no-trunc"];
    for (const label of filter.labels) args.push("--filter", `label=${label}`);
    if (filter.dangling !== undefined) args.push("--filter", `dangling=${filter.dangling}`);
    const result = await this.cli(args);
    if (result.exitCode !== 0) throw engineFailure("list images", result.stderr);
    return [...new Set(lines(result.stdout))];
  }

  async listTags(repository: string): Promise<string[]> {
    const result = await this.cli(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", repository]);
    if (result.exitCode !== 0) throw engineFailure(`list the images of ${repository}`, result.stderr);
    return lines(result.stdout).filter((line) => !line.endsWith(":<none>"));
  }

  async removeImages(ids: string[]): Promise<{ removed: string[]; failed: string[] }> {
    const removed: string[] = [];
    const failed: string[] = [];
    for (const id of ids) {
      // One at a time: an image still used by a container must not stop the others going.
      const result = await this.run(removeImageCommand(this.binary, id), { timeoutMs: 120_000 });
      (result.exitCode === 0 ? removed : failed).push(id);
    }
    return { removed, failed };
  }

  async tagImage(source: string, target: string): Promise<void> {
    const result = await this.run(tagCommand(this.binary, source, target), { timeoutMs: 120_000 });
    if (result.exitCode !== 0) throw engineFailure(`tag ${source} as ${target}`, result.stderr);
  }

  async untagImage(reference: string): Promise<void> {
    await this.run(removeImageCommand(this.binary, reference), { timeoutMs: 120_000 });
  }

  private registryResult(result: RunResult): RegistryResult {
    return {
      exitCode: result.exitCode,
      output: `${result.stdout}${result.stderr}`,
      timedOut: result.timedOut,
      aborted: result.aborted,
    };
  }

  async login(registry: string, username: string, password: string, configDir?: string) {
    const command = loginCommand(this.binary, registry, username, configDir);
    return this.registryResult(await this.run(command, { input: password, timeoutMs: 60_000 }));
  }

  async push(reference: string, options: RegistryOptions): Promise<RegistryResult> {
    const result = await this.run(pushCommand(this.binary, reference, options.configDir), {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onLine: options.onOutput,
    });
    return this.registryResult(result);
  }

  async remoteDigest(reference: string, insecure: boolean, configDir?: string) {
    const command = remoteDigestCommand(this.binary, reference, insecure, configDir);
    const result = await this.run(command, { timeoutMs: 60_000 });
    if (result.exitCode !== 0) return undefined;
    const parsed = JSON.parse(result.stdout) as
      | { Descriptor?: { digest?: string } }
      | { Descriptor?: { digest?: string } }[];
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    return first?.Descriptor?.digest;
  }

  publishManifestList(
    list: string,
    members: readonly ManifestListMember[],
    options: ManifestListOptions,
  ): Promise<ManifestListResult> {
    return publishManifestList((command, run) => this.run(command, run), this.binary, list, members, options);
  }

  /** docker's own codes for a command it could not start (its init, tini, execs nothing itself). */
  readonly notStartedExitCodes: readonly number[] = [126, 127];

  async runOnce(spec: OneOffSpec, io: OneOffIo = {}): Promise<ExecResult> {
    const result = await this.run(oneOffCommand(this.binary, spec), {
      onLine: io.onOutput,
      signal: io.signal,
      inheritStdio: io.inheritStdio,
    });
    return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}`, aborted: result.aborted };
  }

  async hasDefaultNetwork(): Promise<boolean> {
    return (await this.cli(["network", "inspect", this.defaultNetwork])).exitCode === 0;
  }

  /** The network a container without --network joins. */
  protected readonly defaultNetwork: string = "bridge";

  async volumeExists(name: string): Promise<boolean> {
    return (await this.cli(["volume", "inspect", name])).exitCode === 0;
  }

  async removeVolume(name: string): Promise<boolean> {
    if ((await this.cli(["volume", "inspect", name])).exitCode !== 0) return false;
    const removed = await this.run(removeVolumeCommand(this.binary, name), { timeoutMs: 120_000 });
    if (removed.exitCode !== 0) throw engineFailure(`remove the volume ${name}`, removed.stderr);
    return true;
  }

  async ensureVolume(name: string, labels: Record<string, string>): Promise<void> {
    if ((await this.cli(["volume", "inspect", name])).exitCode === 0) return;
    const created = await this.run(volumeCreateCommand(this.binary, name, labels), { timeoutMs: 120_000 });
    if (created.exitCode !== 0) throw engineFailure(`create the volume ${name}`, created.stderr);
  }

  async listContainers(labels: string[]): Promise<string[]> {
    const args = ["ps", "-a", "--format", "{{.Names}}"];
    for (const label of labels) args.push("--filter", `label=${label}`);
    const result = await this.cli(args);
    if (result.exitCode !== 0) throw engineFailure("list containers", result.stderr);
    return lines(result.stdout);
  }

  async removeContainers(names: string[]): Promise<void> {
    // -f: after ENOSPC the daemon can report an exited container as "Up"; remove it regardless.
    // -v: with the anonymous volumes a VOLUME line made for it.
    if (names.length > 0) await this.run(removeContainersCommand(this.binary, names), { timeoutMs: 120_000 });
  }

  startContainer(spec: ContainerSpec, signal?: AbortSignal): Promise<RunningContainer> {
    return startDockerContainer(this, spec, signal);
  }
}
