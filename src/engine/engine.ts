// The engine interface in domain verbs. No engine-library types cross it, so a recording fake
// stands in for unit tests and the docker CLI and podman sit behind it. The specs it takes are
// domain values (src/domain/engine-commands.ts), turned into command lines by pure functions that
// the planners share, so a plan prints exactly what runs.
import type { ContainerSpec, EngineBinary, ImageBuildSpec, OneOffSpec } from "../domain/engine-commands.js";
import type { EngineLocation } from "../domain/engine-endpoint.js";
import type { ManifestListMember } from "../domain/manifest-list-commands.js";

export type {
  ContainerSpec,
  EngineBinary,
  ExecSpec,
  ImageBuildSpec,
  Mount,
  NetworkMode,
  OneOffSpec,
} from "../domain/engine-commands.js";

export interface EngineCapabilities {
  kind: EngineBinary;
  clientVersion: string;
  serverVersion: string;
  /** Where it answered, e.g. unix:///var/run/docker.sock or tcp://127.0.0.1:2375. */
  endpoint: string;
  /** Whether the engine shares this machine's files (domain/engine-endpoint.ts says how that is judged). */
  location: EngineLocation;
  /** The docker context that named the endpoint (`--context`, DOCKER_CONTEXT or the current one); none for DOCKER_HOST or the default. */
  context?: string;
  /** The platform its containers run natively (`linux/amd64`): the engine host's, not this machine's. */
  platform: string;
}

/** What image builds can use; asked only when needed (each answer costs engine calls). */
export interface EngineFeatures {
  /** True when image builds can use BuildKit (RUN --mount, secrets). */
  buildKit: boolean;
  rootless: boolean;
}

export interface BuiltImage {
  imageId: string;
  info: ImageInfo;
}

export interface ImageInfo {
  id: string;
  created: string;
  labels: Record<string, string>;
  repoTags: string[];
  /** The image's USER ("" when not set). */
  user: string;
  size: number;
  /** The image's VOLUME paths (a container gets an anonymous volume at each, unless something is mounted there). */
  volumes: string[];
  /** Whether the image has a CMD or an ENTRYPOINT (`run` with no command runs them). */
  hasCommand: boolean;
  /** The platform it was built for (`linux/arm64`), normalized (domain/platform.ts). */
  platform: string;
}

export type OutputSink = (line: string, stream: "stdout" | "stderr") => void;

export interface Engine {
  readonly kind: EngineBinary;
  probe(): Promise<EngineCapabilities>;
  features(): Promise<EngineFeatures>;

  /** Builds the image and returns the id its first tag names afterwards. */
  /** The image the first tag names after the build, as inspected (the caller needs no second inspect). */
  buildImage(spec: ImageBuildSpec, onOutput: OutputSink, signal?: AbortSignal): Promise<BuiltImage>;
  inspectImage(reference: string): Promise<ImageInfo | undefined>;
  /** Image ids matching every label (`key=value`); `dangling`: only untagged ones (true) or only tagged ones (false). */
  listImages(filter: { labels: string[]; dangling?: boolean }): Promise<string[]>;
  /** Tags (`repo:tag`) of the images of a repository. */
  listTags(repository: string): Promise<string[]>;
  tagImage(source: string, target: string): Promise<void>;
  removeImages(ids: string[]): Promise<{ removed: string[]; failed: string[] }>;
}

export interface ExecOptions {
  /** Plain environment for the command (values appear in the engine's argv: no secrets here). */
  env?: Record<string, string>;
  /** Secret environment: passed by name only, the value travels through the client's environment. */
  secretEnv?: Record<string, string>;
  workdir?: string;
  /** Run as this user (a container engine; the local engine runs as the invoking user). */
  user?: string;
  onOutput?: OutputSink;
  signal?: AbortSignal;
  /** The command's output is the user's: connect it to the terminal. */
  inheritStdio?: boolean;
}

export interface ExecResult {
  exitCode: number;
  output: string;
  aborted: boolean;
}

/**
 * A container that lives as long as the run: it goes away by itself when the process that started
 * it dies (its main process ends when our stdin pipe closes), and `stop()` removes it at once.
 */
export interface RunningContainer {
  readonly name: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Unpacks a tar stream into `dir` (which must exist) inside the container. */
  copyIn(tar: NodeJS.ReadableStream, dir: string): Promise<void>;
  /** Streams `path` out of the container as a tar archive. */
  copyOut(path: string, into: NodeJS.WritableStream): Promise<void>;
  /** Freezes every process in the container (nothing runs while the output is copied out). */
  pause(): Promise<void>;
  stop(): Promise<void>;
}

export interface OneOffIo {
  /** Connect the command to the terminal (its output is the user's). */
  inheritStdio?: boolean;
  onOutput?: OutputSink;
  signal?: AbortSignal;
}

export interface RegistryResult {
  exitCode: number;
  output: string;
  timedOut: boolean;
  aborted: boolean;
}

export interface RegistryOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: OutputSink;
  /** A temporary engine config folder holding a login made for this run. */
  configDir?: string;
}

export interface ManifestListOptions extends RegistryOptions {
  /** The registry speaks plain HTTP (a loopback one). */
  insecure: boolean;
}

export interface ManifestListResult extends RegistryResult {
  /** The digest the registry gave the list; undefined when the publication failed. */
  digest: string | undefined;
}

export interface ContainerEngine extends Engine {
  /** `docker login REGISTRY -u USER --password-stdin`: the password travels on stdin, never in argv. */
  login(registry: string, username: string, password: string, configDir?: string): Promise<RegistryResult>;
  push(reference: string, options: RegistryOptions): Promise<RegistryResult>;
  /** The digest the registry holds for a reference, undefined when it has none (or is unreachable). */
  remoteDigest(reference: string, insecure: boolean, configDir?: string): Promise<string | undefined>;
  /**
   * Publishes `list` (`repo:tag`) as a manifest list of `members`, each an image already in that
   * repository, named by digest, with its platform. Credentials: the engine's own login (or the
   * options' config folder), as for push.
   */
  publishManifestList(
    list: string,
    members: readonly ManifestListMember[],
    options: ManifestListOptions,
  ): Promise<ManifestListResult>;
  runOnce(spec: OneOffSpec, io?: OneOffIo): Promise<ExecResult>;
  /**
   * Exit codes of a one-off container that may mean its command never started (not found, not
   * executable): the caller then asks the image whether the command exists. Default: 126 and 127.
   */
  readonly notStartedExitCodes?: readonly number[];
  /** Removes one tag (the image stays while other tags name it). */
  untagImage(reference: string): Promise<void>;

  startContainer(spec: ContainerSpec, signal?: AbortSignal): Promise<RunningContainer>;
  ensureVolume(name: string, labels: Record<string, string>): Promise<void>;
  /** Whether containers without a --network flag get a network (false when dockerd runs with --bridge=none). */
  hasDefaultNetwork(): Promise<boolean>;
  volumeExists(name: string): Promise<boolean>;
  /** Removes a volume; false when there was none. */
  removeVolume(name: string): Promise<boolean>;
  /** Names of containers carrying every label (running or not). */
  listContainers(labels: string[]): Promise<string[]>;
  removeContainers(names: string[]): Promise<void>;
}
