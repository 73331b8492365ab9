// The builder container: copy in, not mount (cibuildwheel's design), so remote engines and podman
// work, outputs belong to the invoking user and the source tree is never written to.
import { Readable } from "node:stream";
import type { ContainerEngine, ContainerSpec, ExecOptions, RunningContainer } from "../engine/engine.js";
import { BUILDER_PATHS } from "../plan/builder-container.js";
import { HELPER_PACKAGE, TESTCHECK_FOLDER } from "./helper-files.js";
import type { BuildSandbox, SandboxFile } from "./sandbox.js";
import { tarStream } from "./tar-bytes.js";
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
  if (cache !== undefined) await options.engine.ensureVolume(cache.source, { ...spec.labels });
  // The archiver loads while the container starts.
  const [container, tar] = await Promise.all([
    options.engine.startContainer(spec, options.signal),
    loadTar(),
  ]);
  // The helper (and the host folders) go in while the caller copies the source: both are awaited
  // before anything runs.
  const helperCopied = container
    .copyIn(
      Readable.from(
        tar.c(
          { cwd: options.helperParent, portable: true, filter: (file) => !file.includes("__pycache__") },
          [HELPER_PACKAGE, TESTCHECK_FOLDER],
        ),
      ),
      BUILDER_PATHS.bin,
    )
    .then(() => copyHostFolders(container, options.hostFolders ?? []))
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  return new ContainerSandbox(container, options, helperCopied);
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

  constructor(
    private readonly container: RunningContainer,
    private readonly options: ContainerSandboxOptions,
    /** Resolves to the copy's error, or undefined once the helper is in. */
    private readonly helperCopied: Promise<unknown>,
  ) {
    this.description = `container ${container.name} (${options.engine.kind}, ${options.spec.image}${options.note === undefined ? "" : `, ${options.note}`})`;
  }

  async putSource(files: readonly string[], sourceDir: string): Promise<void> {
    await this.container.copyIn(await tarOf(sourceDir, files), this.paths.source);
    await this.helperReady();
  }

  private async helperReady(): Promise<void> {
    const error = await this.helperCopied;
    if (error !== undefined) throw error;
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
    await this.helperCopied;
    await this.container.stop();
    if (this.options.temporaryVolume !== undefined)
      await this.options.engine.removeVolume(this.options.temporaryVolume);
  }
}
