// A recording fake ContainerEngine for unit tests of the workflows: images, tags, containers and
// volumes held in memory; every call recorded in order (`calls`); behaviour scripted per test
// (a build that fails, a check that finds a compiler, a push that is refused, a builder whose exec
// writes files that copyOut then streams as a tar).
import { existsSync, readFileSync } from "node:fs";
import { PassThrough, type Readable } from "node:stream";
import * as tar from "tar";
import { classifyEndpoint, type EngineLocation } from "../../src/domain/engine-endpoint.js";
import type { ManifestListMember } from "../../src/domain/manifest-list-commands.js";
import type { Detection } from "../../src/engine/detect.js";
import type {
  BuiltImage,
  ContainerEngine,
  ContainerSpec,
  EngineCapabilities,
  EngineFeatures,
  ExecOptions,
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
} from "../../src/engine/engine.js";

export interface FakeCall {
  verb: string;
  args: unknown[];
}

interface FakeImage {
  id: string;
  labels: Record<string, string>;
  user: string;
  platform: string;
}

/** What a fake container's exec does: its result, and files it leaves (path -> content) in the container. */
export type ExecScript = (
  argv: readonly string[],
  options: ExecOptions,
  container: FakeContainer,
) => Partial<ExecResult> | Promise<Partial<ExecResult>>;

export class FakeContainer implements RunningContainer {
  /** Files in the container: absolute path -> content (a string, or a tar entry description). */
  readonly files = new Map<string, string | Buffer>();
  paused = false;
  stopped = false;

  constructor(
    private readonly engine: FakeEngine,
    readonly name: string,
    readonly spec: ContainerSpec,
  ) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.engine.record("exec", [this.name, [...argv], options]);
    const result = await this.engine.execScript(argv, options, this);
    for (const line of (result.output ?? "").split("\n").filter((l) => l !== ""))
      options.onOutput?.(line, "stdout");
    return { exitCode: result.exitCode ?? 0, output: result.output ?? "", aborted: result.aborted ?? false };
  }

  async copyIn(stream: NodeJS.ReadableStream, dir: string): Promise<void> {
    const failure = this.engine.copyInFailure?.(dir);
    if (failure !== undefined) {
      this.engine.record("copyIn", [this.name, dir, "failed"]);
      throw failure;
    }
    const entries: string[] = [];
    const parser = new tar.Parser({
      onReadEntry: (entry) => {
        entries.push(entry.path);
        const chunks: Buffer[] = [];
        entry.on("data", (chunk: Buffer) => chunks.push(chunk));
        entry.on("end", () => this.files.set(`${dir}/${entry.path}`, Buffer.concat(chunks)));
      },
    });
    await new Promise<void>((resolve, reject) => {
      parser.on("end", resolve);
      parser.on("error", reject);
      (stream as Readable).on("error", reject);
      stream.pipe(parser as unknown as NodeJS.WritableStream);
    });
    this.engine.record("copyIn", [this.name, dir, entries]);
  }

  /** Streams the files under `from` as docker cp does: a tar whose top folder is basename(from). */
  async copyOut(from: string, into: NodeJS.WritableStream): Promise<void> {
    this.engine.record("copyOut", [this.name, from]);
    const custom = this.engine.copyOutTar?.(from, this);
    const source = custom ?? tarOf(from, this.files);
    await new Promise<void>((resolve, reject) => {
      source.on("error", reject);
      into.on("error", reject);
      into.on("finish", resolve);
      into.on("close", resolve);
      source.pipe(into);
    });
  }

  async pause(): Promise<void> {
    this.engine.record("pause", [this.name]);
    this.paused = true;
  }

  async stop(): Promise<void> {
    this.engine.record("stop", [this.name]);
    this.stopped = true;
    this.engine.containers.delete(this.name);
  }
}

/** A tar (ustar) of the files under `from`, top folder named after it, built with the tar package. */
function tarOf(from: string, files: Map<string, string | Buffer>): Readable {
  const top = from.split("/").pop()!;
  const pack = new PassThrough();
  const entries = [...files].filter(([file]) => file.startsWith(`${from}/`));
  (async () => {
    const header = (name: string, size: number, type: "File" | "Directory") =>
      new tar.Header({ path: name, mode: type === "File" ? 0o644 : 0o755, size, type, mtime: new Date(0) });
    const blocks: Buffer[] = [];
    const push = (h: tar.Header, body?: Buffer) => {
      const block = Buffer.alloc(512);
      h.encode(block, 0);
      blocks.push(block);
      if (body !== undefined && body.length > 0) {
        blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
      }
    };
    push(header(`${top}/`, 0, "Directory"));
    for (const [file, content] of entries) {
      const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
      push(header(`${top}/${file.slice(from.length + 1)}`, body.length, "File"), body);
    }
    blocks.push(Buffer.alloc(1024));
    pack.end(Buffer.concat(blocks));
  })();
  return pack;
}

/** The labels of a generated Dockerfile's LABEL instruction (as the legacy builder would apply them). */
function labelsInDockerfile(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const line = readFileSync(file, "utf8")
    .split("\n")
    .find((l) => l.startsWith("LABEL "));
  if (line === undefined) return {};
  const labels: Record<string, string> = {};
  for (const match of line.matchAll(/("(?:[^"\\]|\\.)*")=("(?:[^"\\]|\\.)*")/g)) {
    labels[JSON.parse(match[1]!) as string] = JSON.parse(match[2]!) as string;
  }
  return labels;
}

export class FakeEngine implements ContainerEngine {
  readonly kind = "docker" as const;
  readonly calls: FakeCall[] = [];
  readonly images = new Map<string, FakeImage>(); // id -> image
  readonly tags = new Map<string, string>(); // repo:tag -> id
  readonly containers = new Map<string, FakeContainer>();
  readonly volumes = new Set<string>();
  /** The platform of the images this engine builds (its own is linux/amd64): an arm64 base, say. */
  buildPlatform = "linux/amd64";
  /** Where it answers (`unix://...` makes it an engine on this machine, whose kernel emulates). */
  endpoint = "fake://";
  /** Whether the fake shares the host's files: judged from `endpoint` as the real probe does; `fake://` is local. */
  get location(): EngineLocation {
    return this.endpoint === "fake://" ? "local" : classifyEndpoint(this.endpoint).location;
  }
  private nextId = 1;

  /** Scripted behaviour; tests replace what they need. */
  buildScript: (spec: ImageBuildSpec, onOutput: OutputSink) => void = () => undefined;
  execScript: ExecScript = () => ({ exitCode: 0 });
  runOnceScript: (spec: OneOffSpec) => Partial<ExecResult> = () => ({ exitCode: 0, output: "" });
  pushScript: (reference: string) => Partial<RegistryResult> = (reference) => ({
    exitCode: 0,
    output: `${reference.split(":").pop()}: digest: sha256:${"a".repeat(64)} size: 1234`,
  });
  remoteDigestScript: (reference: string) => string | undefined = () => `sha256:${"a".repeat(64)}`;
  manifestListScript: (list: string, members: readonly ManifestListMember[]) => Partial<ManifestListResult> =
    () => ({ exitCode: 0, digest: `sha256:${"f".repeat(64)}` });
  loginScript: (registry: string, username: string, password: string) => Partial<RegistryResult> = () => ({
    exitCode: 0,
  });
  /** Replaces the tar a container's copyOut streams (for hostile outputs); undefined: the files' own. */
  copyOutTar: ((from: string, container: FakeContainer) => Readable | undefined) | undefined;
  /** A copy into a container that fails with this error (undefined: it succeeds). */
  copyInFailure: ((dir: string) => Error | undefined) | undefined;
  features_: EngineFeatures = { buildKit: false, rootless: false };

  record(verb: string, args: unknown[]): void {
    this.calls.push({ verb, args });
  }

  verbs(): string[] {
    return this.calls.map((call) => call.verb);
  }

  /** Puts an image on the engine (e.g. the base image FROM which everything is built). */
  addImage(
    reference: string,
    labels: Record<string, string> = {},
    user = "",
    platform = this.buildPlatform,
  ): string {
    const id = `sha256:${String(this.nextId++).padStart(64, "0")}`;
    this.images.set(id, { id, labels, user, platform });
    this.tags.set(reference, id);
    return id;
  }

  async probe(): Promise<EngineCapabilities> {
    return {
      kind: "docker",
      clientVersion: "fake",
      serverVersion: "fake",
      endpoint: this.endpoint,
      location: this.location,
      platform: "linux/amd64",
    };
  }

  async features(): Promise<EngineFeatures> {
    return this.features_;
  }

  async buildImage(spec: ImageBuildSpec, onOutput: OutputSink): Promise<BuiltImage> {
    this.record("buildImage", [spec]);
    this.buildScript(spec, onOutput);
    const id = this.addImage(
      spec.tags[0]!,
      { ...labelsInDockerfile(spec.dockerfile), ...spec.labels },
      "10001",
    );
    for (const tag of spec.tags.slice(1)) this.tags.set(tag, id);
    return { imageId: id, info: (await this.inspectImage(id))! };
  }

  private resolve(reference: string): FakeImage | undefined {
    return this.images.get(this.tags.get(reference) ?? reference);
  }

  async inspectImage(reference: string): Promise<ImageInfo | undefined> {
    const image = this.resolve(reference);
    if (image === undefined) return undefined;
    return {
      id: image.id,
      created: "",
      labels: image.labels,
      repoTags: [...this.tags].filter(([, id]) => id === image.id).map(([tag]) => tag),
      user: image.user,
      size: 1_000_000,
      volumes: [],
      hasCommand: true,
      platform: image.platform,
    };
  }

  async listImages(filter: { labels: string[]; dangling?: boolean }): Promise<string[]> {
    return [...this.images.values()]
      .filter((image) =>
        filter.labels.every((label) => {
          const [key, value] = label.split("=");
          return image.labels[key!] === value;
        }),
      )
      .filter(
        (image) =>
          filter.dangling === undefined || filter.dangling !== [...this.tags.values()].includes(image.id),
      )
      .map((image) => image.id);
  }

  async listTags(repository: string): Promise<string[]> {
    return [...this.tags.keys()].filter((tag) => tag.startsWith(`${repository}:`));
  }

  async removeImages(ids: string[]): Promise<{ removed: string[]; failed: string[] }> {
    this.record("removeImages", [ids]);
    for (const id of ids) {
      this.images.delete(id);
      for (const [tag, target] of this.tags) if (target === id) this.tags.delete(tag);
    }
    return { removed: ids, failed: [] };
  }

  async login(registry: string, username: string, password: string, configDir?: string) {
    this.record("login", [registry, username, configDir]);
    return {
      exitCode: 0,
      output: "",
      timedOut: false,
      aborted: false,
      ...this.loginScript(registry, username, password),
    };
  }

  async push(reference: string, options: RegistryOptions): Promise<RegistryResult> {
    this.record("push", [reference, options.configDir]);
    return { exitCode: 0, output: "", timedOut: false, aborted: false, ...this.pushScript(reference) };
  }

  async remoteDigest(reference: string): Promise<string | undefined> {
    this.record("remoteDigest", [reference]);
    return this.remoteDigestScript(reference);
  }

  async publishManifestList(
    list: string,
    members: readonly ManifestListMember[],
    options: ManifestListOptions,
  ): Promise<ManifestListResult> {
    this.record("publishManifestList", [list, members, options.insecure, options.configDir]);
    return {
      exitCode: 0,
      output: "",
      timedOut: false,
      aborted: false,
      digest: undefined,
      ...this.manifestListScript(list, members),
    };
  }

  async runOnce(spec: OneOffSpec, _io?: OneOffIo): Promise<ExecResult> {
    this.record("runOnce", [spec]);
    return { exitCode: 0, output: "", aborted: false, ...this.runOnceScript(spec) };
  }

  async tagImage(source: string, target: string): Promise<void> {
    this.record("tagImage", [source, target]);
    const id = this.tags.get(source) ?? source;
    if (!this.images.has(id)) throw new Error(`no such image ${source}`);
    this.tags.set(target, id);
  }

  async untagImage(reference: string): Promise<void> {
    this.record("untagImage", [reference]);
    const id = this.tags.get(reference);
    this.tags.delete(reference);
    if (id !== undefined && ![...this.tags.values()].includes(id)) this.images.delete(id);
  }

  async startContainer(spec: ContainerSpec): Promise<RunningContainer> {
    this.record("startContainer", [spec]);
    const container = new FakeContainer(this, spec.name, spec);
    this.containers.set(spec.name, container);
    return container;
  }

  async ensureVolume(name: string): Promise<void> {
    this.record("ensureVolume", [name]);
    this.volumes.add(name);
  }

  async hasDefaultNetwork(): Promise<boolean> {
    return false;
  }

  async volumeExists(name: string): Promise<boolean> {
    this.record("volumeExists", [name]);
    return this.volumes.has(name);
  }

  async removeVolume(name: string): Promise<boolean> {
    this.record("removeVolume", [name]);
    return this.volumes.delete(name);
  }

  async listContainers(labels: string[]): Promise<string[]> {
    return [...this.containers.values()]
      .filter((c) =>
        labels.every((label) => {
          const [key, value] = label.split("=");
          return c.spec.labels[key!] === value;
        }),
      )
      .map((c) => c.name);
  }

  async removeContainers(names: string[]): Promise<void> {
    this.record("removeContainers", [names]);
    for (const name of names) this.containers.delete(name);
  }

  detection(): Detection {
    return {
      kind: "container",
      engine: this,
      capabilities: {
        kind: "docker",
        clientVersion: "fake",
        serverVersion: "fake",
        endpoint: this.endpoint,
        location: this.location,
        platform: "linux/amd64",
      },
      report: [{ candidate: "docker", accepted: true, reason: "the fake engine" }],
    };
  }
}
