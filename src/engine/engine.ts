// The engine interface in domain verbs. No engine-library types cross it, so a recording fake
// stands in for unit tests and the docker CLI, podman and the local engine sit behind it.
import type { NetworkMode } from "../config/schema.js";

export interface EngineCapabilities {
  /** `docker`, `podman` or `local`. */
  kind: "docker" | "podman" | "local";
  clientVersion: string;
  serverVersion: string;
  /** True when image builds can use BuildKit (RUN --mount, secrets). */
  buildKit: boolean;
  rootless: boolean;
  /** Where it answered, e.g. unix:///var/run/docker.sock or tcp://127.0.0.1:2375. */
  endpoint: string;
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
}

export type OutputSink = (line: string, stream: "stdout" | "stderr") => void;

export interface Engine {
  readonly kind: EngineCapabilities["kind"];
  probe(): Promise<EngineCapabilities>;
  /** The exact command a user could paste to do the same (for --dry-run). */
  describeImageBuild(spec: ImageBuildSpec): string[];
  buildImage(spec: ImageBuildSpec, onOutput: OutputSink, signal?: AbortSignal): Promise<{ imageId: string }>;
  inspectImage(reference: string): Promise<ImageInfo | undefined>;
  /** Image ids matching every label (`key=value`), optionally only dangling ones. */
  listImages(filter: { labels: string[]; dangling?: boolean }): Promise<string[]>;
  removeImages(ids: string[]): Promise<{ removed: string[]; failed: string[] }>;
}
