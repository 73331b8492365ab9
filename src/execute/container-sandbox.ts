// The builder container: copy in, not mount (cibuildwheel's design), so remote engines and podman
// work, outputs belong to the invoking user and the source tree is never written to.
import path from "node:path";
import { Readable } from "node:stream";
import type { ContainerEngine, ContainerSpec, ExecOptions, RunningContainer } from "../engine/engine.js";
import { BUILDER_PATHS } from "../plan/builder-container.js";
import { HELPER_PACKAGE, TESTCHECK_FOLDER } from "./helper-files.js";
import type { BuildSandbox, SandboxFile, SandboxInputs } from "./sandbox.js";
import { tarBytes, tarStream } from "./tar-bytes.js";
import { concatTars } from "./tar-concat.js";
import { loadTar } from "./tar-lib.js";

export interface ContainerSandboxOptions {
  engine: ContainerEngine & { answers?(): Promise<boolean> };
  /** The builder container as planned (builderContainerSpec). */
  spec: ContainerSpec;
  /** The folder holding the helper package. */
  helperParent: string;
  signal?: AbortSignal;
  /** A cache volume made for this builder alone, removed with it. */
  temporaryVolume?: string;
  /** Added to the description the progress shows (`emulated linux/arm64`). */
  note?: string;
  /**
   * Host folders (absolute) copied into the builder at the same path before anything runs: the
   * local index folders a remote engine's host does not have (workflows/index-delivery.ts).
   */
  hostFolders?: readonly string[];
  /** Whether the cache volume exists, asked earlier (beside the image lookup): then not asked again. */
  cacheVolumeExists?: Promise<boolean>;
}

/** A tar of files (paths relative to `cwd`) with no host owner, mode bits kept. */
async function tarOf(cwd: string, files: readonly string[]): Promise<Readable> {
  const tar = await loadTar();
  // strict: a file that vanished between the listing and the copy fails the copy, never skipped.
  return Readable.from(tar.c({ cwd, portable: true, noDirRecurse: true, strict: true }, [...files]));
}

/**
 * Each folder as a tar of its path below `/` (`opt/pypi/...`), unpacked at `/`: the engine makes
 * the parents, and the folder lands at the same absolute path as on the host. Symlinks stay links,
 * as a bind mount shows them.
 */
async function copyHostFolders(container: RunningContainer, folders: readonly string[]): Promise<void> {
  const tar = await loadTar();
  for (const folder of folders) {
    const relative = folder.replace(/^\/+/, "");
    await container.copyIn(Readable.from(tar.c({ cwd: "/", portable: true, strict: true }, [relative])), "/");
  }
}

export async function startContainerSandbox(options: ContainerSandboxOptions): Promise<BuildSandbox> {
  const { spec } = options;
  const cache = spec.mounts.find((mount) => mount.kind === "volume" && mount.target === BUILDER_PATHS.cache);
  if (cache !== undefined && !(await (options.cacheVolumeExists ?? false)))
    await options.engine.ensureVolume(cache.source, { ...spec.labels });
  // The archiver loads while the container starts.
  const [container] = await Promise.all([options.engine.startContainer(spec, options.signal), loadTar()]);
  // The index folders a remote engine's host lacks go in at once, while the caller makes its
  // inputs; they are awaited before anything runs. The helper goes in with the first inputs.
  const foldersCopied = settled(copyHostFolders(container, options.hostFolders ?? []));
  return new ContainerSandbox(container, options, foldersCopied);
}

/** Resolves to the work's error, or undefined once it is done: awaited later, never unhandled. */
function settled(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** The folder a path of BUILDER_PATHS is in, relative to the builder's root (`src`, `input`). */
function belowRoot(dir: string): string {
  const relative = path.posix.relative(BUILDER_PATHS.root, dir);
  if (relative === "" || relative.startsWith("..") || path.posix.isAbsolute(relative))
    throw new Error(`${dir} is not a folder below ${BUILDER_PATHS.root}`);
  return relative;
}

class ContainerSandbox implements BuildSandbox {
  readonly paths = {
    source: BUILDER_PATHS.source,
    out: BUILDER_PATHS.out,
    work: BUILDER_PATHS.work,
    bin: BUILDER_PATHS.bin,
    wheels: BUILDER_PATHS.wheels,
    home: BUILDER_PATHS.home,
    input: BUILDER_PATHS.input,
    cache: BUILDER_PATHS.cache,
  };
  readonly python = "python3";
  readonly description: string;
  /** Resolves to the helper copy's error, or undefined once the helper is in; unset until it starts. */
  private helperCopied: Promise<unknown> | undefined;

  constructor(
    private readonly container: RunningContainer,
    private readonly options: ContainerSandboxOptions,
    /** Resolves to the host folders' copy error, or undefined once they are in. */
    private readonly foldersCopied: Promise<unknown>,
  ) {
    this.description = `container ${container.name} (${options.engine.kind}, ${options.spec.image}${options.note === undefined ? "" : `, ${options.note}`})`;
  }

  /** The helper package as a tar, its entries under `prefix` (none: relative to the bin folder). */
  private async helperTar(prefix?: string) {
    const tar = await loadTar();
    return tar.c(
      {
        cwd: this.options.helperParent,
        portable: true,
        ...(prefix === undefined ? {} : { prefix }),
        filter: (file) => !file.includes("__pycache__"),
      },
      [HELPER_PACKAGE, TESTCHECK_FOLDER],
    );
  }

  /** Starts the helper's own copy, unless it went in (or is going in) already. */
  private startHelperCopy(): Promise<unknown> {
    this.helperCopied ??= settled(
      this.helperTar().then((tar) => this.container.copyIn(Readable.from(tar), BUILDER_PATHS.bin)),
    );
    return this.helperCopied;
  }

  async putSource(files: readonly string[], sourceDir: string): Promise<void> {
    // The helper goes in beside the source: both are awaited before anything runs.
    const helper = this.startHelperCopy();
    await this.container.copyIn(await tarOf(sourceDir, files), this.paths.source);
    await this.helperReady(helper);
  }

  async putInputs(inputs: SandboxInputs): Promise<void> {
    const tar = await loadTar();
    const parts: (AsyncIterable<Buffer> | Iterable<Buffer>)[] = [];
    if (this.helperCopied === undefined) parts.push(await this.helperTar(belowRoot(this.paths.bin)));
    const packed = (dir: string, cwd: string, files: readonly string[]) =>
      tar.c({ cwd, portable: true, noDirRecurse: true, strict: true, prefix: belowRoot(dir) }, [...files]);
    parts.push(packed(this.paths.source, inputs.source.dir, inputs.source.files));
    if (inputs.wheels !== undefined && inputs.wheels.files.length > 0)
      parts.push(packed(this.paths.wheels, inputs.wheels.dir, inputs.wheels.files));
    const small = inputs.files.flatMap(({ dir, files }) =>
      files.map((file) => ({ ...file, name: `${belowRoot(dir)}/${file.name}` })),
    );
    if (small.length > 0) parts.push([tarBytes(small, tar.Header)]);
    // One engine copy for all of it, into the root the folders are in.
    const copied = this.container.copyIn(Readable.from(concatTars(parts)), BUILDER_PATHS.root);
    this.helperCopied ??= settled(copied);
    await copied;
    await this.helperReady(this.helperCopied);
  }

  private async helperReady(helper = this.startHelperCopy()): Promise<void> {
    for (const error of await Promise.all([helper, this.foldersCopied])) if (error !== undefined) throw error;
  }

  async putWheels(files: readonly string[], dir: string): Promise<void> {
    await this.container.copyIn(await tarOf(dir, files), this.paths.wheels);
  }

  async putFiles(dir: string, files: readonly SandboxFile[]): Promise<void> {
    // Made in memory, so a secret never touches the host's disk.
    await this.container.copyIn(await tarStream(files), dir);
  }

  async run(argv: readonly string[], options?: ExecOptions) {
    await this.helperReady();
    return this.container.exec(argv, options);
  }

  async readOutput(into: NodeJS.WritableStream): Promise<void> {
    await this.container.pause();
    await this.container.copyOut(this.paths.out, into);
  }

  async oomKills(): Promise<number | undefined> {
    // The memory cgroup's own counter: cgroup v1 `memory.oom_control`, v2 `memory.events`. Read by
    // the engine's exec, whose output the kernel writes (a build step cannot forge these files).
    const result = await this.container.exec([
      "sh",
      "-c",
      "cat /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events 2>/dev/null",
    ]);
    const match = /^oom_kill (\d+)$/m.exec(result.output);
    return match === null ? undefined : Number(match[1]);
  }

  async engineAnswers(): Promise<boolean> {
    return this.options.engine.answers === undefined ? true : this.options.engine.answers();
  }

  async close(): Promise<void> {
    await Promise.all([this.helperCopied, this.foldersCopied]);
    await this.container.stop();
    if (this.options.temporaryVolume !== undefined)
      await this.options.engine.removeVolume(this.options.temporaryVolume);
  }
}
