// The builder container: copy in, not mount (cibuildwheel's design), so remote engines and podman
// work, outputs belong to the invoking user and the source tree is never written to.
import path from "node:path";
import { Readable } from "node:stream";
import * as tar from "tar";
import type { ContainerEngine, ContainerSpec, RunningContainer } from "../engine/engine.js";
import { BUILDER_PATHS } from "../plan/builder-container.js";
import type { BuildSandbox } from "./sandbox.js";

export interface ContainerSandboxOptions {
  engine: ContainerEngine;
  /** The builder container as planned (builderContainerSpec). */
  spec: ContainerSpec;
  helperFile: string;
  signal?: AbortSignal;
}

export async function startContainerSandbox(options: ContainerSandboxOptions): Promise<BuildSandbox> {
  const { spec } = options;
  const cache = spec.mounts.find((mount) => mount.kind === "volume" && mount.target === BUILDER_PATHS.cache);
  if (cache !== undefined) await options.engine.ensureVolume(cache.source, { ...spec.labels });
  const container = await options.engine.startContainer(spec, options.signal);
  // The helper goes in while the caller copies the source: both are awaited before anything runs.
  const helperCopied = container
    .copyIn(
      Readable.from(
        tar.c({ cwd: path.dirname(options.helperFile), portable: true }, [path.basename(options.helperFile)]),
      ),
      BUILDER_PATHS.bin,
    )
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  return new ContainerSandbox(container, options, path.basename(options.helperFile), helperCopied);
}

class ContainerSandbox implements BuildSandbox {
  readonly paths: BuildSandbox["paths"];
  readonly python = "python3";
  readonly description: string;

  constructor(
    private readonly container: RunningContainer,
    options: ContainerSandboxOptions,
    helperName: string,
    /** Resolves to the copy's error, or undefined once the helper is in. */
    private readonly helperCopied: Promise<unknown>,
  ) {
    this.paths = {
      wheels: BUILDER_PATHS.wheels,
      source: BUILDER_PATHS.source,
      out: BUILDER_PATHS.out,
      helper: `${BUILDER_PATHS.bin}/${helperName}`,
      cache: BUILDER_PATHS.cache,
    };
    this.description = `container ${container.name} (${options.engine.kind}, ${options.spec.image})`;
  }

  hostPath(hostPath: string): string {
    return hostPath;
  }

  async putSource(files: readonly string[], sourceDir: string): Promise<void> {
    // portable: no host uid/gid or mtimes beyond what tar needs; the builder owns its copy.
    await this.container.copyIn(
      Readable.from(tar.c({ cwd: sourceDir, portable: true, noDirRecurse: true }, [...files])),
      this.paths.source,
    );
    await this.helperReady();
  }

  private async helperReady(): Promise<void> {
    const error = await this.helperCopied;
    if (error !== undefined) throw error;
  }

  async putWheels(files: readonly string[], dir: string): Promise<void> {
    await this.container.copyIn(
      Readable.from(tar.c({ cwd: dir, portable: true, noDirRecurse: true }, [...files])),
      this.paths.wheels,
    );
  }

  run: BuildSandbox["run"] = async (argv, options) => {
    await this.helperReady();
    return this.container.exec(argv, options);
  };

  async takeOutput(hostDir: string): Promise<void> {
    // `docker cp ... -` streams a tar whose top folder is `out/`: strip it and extract as this user.
    const extract = tar.x({ cwd: hostDir, strip: 1, preserveOwner: false });
    const done = new Promise((resolve, reject) => extract.on("close", resolve).on("error", reject));
    await Promise.all([
      this.container.copyOut(this.paths.out, extract as unknown as NodeJS.WritableStream),
      done,
    ]);
  }

  async resetOutput(): Promise<void> {
    await this.container.exec(["sh", "-c", `rm -rf ${this.paths.out} && mkdir -p ${this.paths.out}`]);
  }

  async close(): Promise<void> {
    await this.helperCopied;
    await this.container.stop();
  }
}
