// The engine interface in domain verbs. No engine-library types cross it, so a recording fake
// stands in for unit tests and the docker CLI, podman and the local engine sit behind it.
import type { NetworkMode } from "../config/schema.js";

export interface EngineCapabilities {
  /** `docker`, `podman` or `local`. */
  kind: "docker" | "podman" | "local";
  clientVersion: string;
  serverVersion: string;
  /** Where it answered, e.g. unix:///var/run/docker.sock or tcp://127.0.0.1:2375. */
  endpoint: string;
}

/** What image builds can use; asked only when needed (each answer costs engine calls). */
export interface EngineFeatures {
  /** True when image builds can use BuildKit (RUN --mount, secrets). */
  buildKit: boolean;
  rootless: boolean;
}

export interface ImageBuildSpec {
  /** Context folder on the host. */
  contextDir: string;
  dockerfile: string;
  tags: string[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  network: NetworkMode;
  /** Use BuildKit (the Dockerfile needs it); the legacy builder otherwise. */
  buildKit: boolean;
}

export interface ImageInfo {
  id: string;
  created: string;
  labels: Record<string, string>;
  repoTags: string[];
  /** The image's USER ("" when not set). */
  user: string;
  size: number;
}

export type OutputSink = (line: string, stream: "stdout" | "stderr") => void;

export interface Engine {
  readonly kind: EngineCapabilities["kind"];
  probe(): Promise<EngineCapabilities>;
  features(): Promise<EngineFeatures>;

  buildImage(spec: ImageBuildSpec, onOutput: OutputSink, signal?: AbortSignal): Promise<{ imageId: string }>;
  inspectImage(reference: string): Promise<ImageInfo | undefined>;
  /** Image ids matching every label (`key=value`), optionally only dangling ones. */
  listImages(filter: { labels: string[]; dangling?: boolean }): Promise<string[]>;
  removeImages(ids: string[]): Promise<{ removed: string[]; failed: string[] }>;
}

export interface Mount {
  kind: "bind" | "volume";
  /** Host path for a bind mount, volume name for a volume. */
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ContainerSpec {
  /** Unique, e.g. `wheelwright-<run id>`. */
  name: string;
  image: string;
  labels: Record<string, string>;
  network: NetworkMode;
  mounts: Mount[];
  /** Folders (absolute, no spaces) the main process creates before it reports ready. */
  makeDirs: string[];
}

export interface ExecOptions {
  /** Plain environment for the command (values appear in the engine's argv: no secrets here). */
  env?: Record<string, string>;
  /** Secret environment: passed by name only, the value travels through the client's environment. */
  secretEnv?: Record<string, string>;
  workdir?: string;
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
  exec(argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Unpacks a tar stream into `dir` (which must exist) inside the container. */
  copyIn(tar: NodeJS.ReadableStream, dir: string): Promise<void>;
  /** Streams `path` out of the container as a tar archive. */
  copyOut(path: string, into: NodeJS.WritableStream): Promise<void>;
  stop(): Promise<void>;
}

/** A one-off container (`docker run --rm`): the release check, `run`, `test`. */
export interface OneOffSpec {
  image: string;
  argv: string[];
  labels: Record<string, string>;
  network: NetworkMode;
  /** Overrides the image's user (e.g. "0" to inspect every file). */
  user?: string;
  /** Overrides the image's entrypoint. */
  entrypoint?: string;
  env?: Record<string, string>;
  workdir?: string;
  /** Connect the command to the terminal (its output is the user's); stderr is still scanned. */
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

export interface ContainerEngine extends Engine {
  /** `docker login REGISTRY -u USER --password-stdin`: the password travels on stdin, never in argv. */
  login(registry: string, username: string, password: string): Promise<RegistryResult>;
  push(
    reference: string,
    options: { timeoutMs: number; signal?: AbortSignal; onOutput?: OutputSink },
  ): Promise<RegistryResult>;
  /** The digest the registry holds for a reference, undefined when it has none (or is unreachable). */
  remoteDigest(reference: string, insecure: boolean): Promise<string | undefined>;
  runOnce(spec: OneOffSpec): Promise<ExecResult>;
  tagImage(source: string, target: string): Promise<void>;
  /** Removes one tag (the image stays while other tags name it). */
  untagImage(reference: string): Promise<void>;

  startContainer(spec: ContainerSpec, signal?: AbortSignal): Promise<RunningContainer>;
  ensureVolume(name: string, labels: Record<string, string>): Promise<void>;
  /** Whether containers without a --network flag get a network (false when dockerd runs with --bridge=none). */
  hasDefaultNetwork(): Promise<boolean>;
  /** Removes a volume; false when there was none. */
  removeVolume(name: string): Promise<boolean>;
  /** Names of containers carrying every label (running or not). */
  listContainers(labels: string[]): Promise<string[]>;
  removeContainers(names: string[]): Promise<void>;
}
