// podman behind the Engine interface: the docker CLI adapter with podman's binary name, and here,
// each with its reason, the places where podman answers differently from docker (found running the
// whole workflow against Debian's podman 4.3, rootful). The command lines themselves are shared
// (src/domain/engine-commands.ts says where a flag differs).
import { classifyEndpoint } from "../domain/engine-endpoint.js";
import { platformOf } from "../domain/platform.js";
import { EngineUnavailableError } from "../errors.js";
import { DockerCli } from "./docker-cli.js";
import type {
  EngineCapabilities,
  EngineFeatures,
  ExecResult,
  ImageInfo,
  OneOffIo,
  OneOffSpec,
} from "./engine.js";
import { engineUnavailable, PROBE_TIMEOUT_MS, tail } from "./engine-errors.js";
import { imageInfoOf, type RawImage } from "./image-info.js";
import type { ProcessRunner } from "./process-runner.js";

/** What `podman info --format json` says (the fields used). */
interface PodmanInfo {
  version?: { Version?: string };
  host?: {
    ociRuntime?: { name?: string };
    security?: { rootless?: boolean };
    networkBackend?: string;
    /** True when podman talks to a service elsewhere (CONTAINER_HOST, a connection): `podman --remote`. */
    serviceIsRemote?: boolean;
    os?: string;
    arch?: string;
  };
  store?: { graphRoot?: string };
}

/**
 * podman names an image tagged with a short name (`ns/app-base:tag`, no registry) `localhost/ns/app-base:tag`:
 * its RepoTags and `image ls` carry that prefix where docker prints the name as it was given. The
 * rest of wheelwright compares tags with the names it gave, so the prefix goes.
 */
export function dockerStyleTag(tag: string): string {
  return tag.startsWith("localhost/") ? tag.slice("localhost/".length) : tag;
}

/** podman prints image ids without docker's `sha256:` prefix (its `image ls -q --no-trunc` has it). */
function dockerStyleId(id: string): string {
  return id.startsWith("sha256:") ? id : `sha256:${id}`;
}

/** podman's error when `--init` cannot find its init binary: Debian's podman does not pull catatonit in. */
const MISSING_INIT = /container-init binary not found/i;

export class PodmanCli extends DockerCli {
  protected override readonly defaultNetwork = "podman";
  /**
   * With `--init` podman starts catatonit, which execs the command itself: a command missing from
   * the image makes it print "failed to exec pid1" and exit 1 (docker says 127), so 1 may mean
   * "never started" too and the caller asks the image.
   */
  override readonly notStartedExitCodes: readonly number[] = [1, 126, 127];
  private info: PodmanInfo | undefined;
  private capabilitiesFound: EngineCapabilities | undefined;

  constructor(options: { runner: ProcessRunner; env: Readonly<Record<string, string | undefined>> }) {
    super({ ...options, binary: "podman" });
  }

  /**
   * `podman version` answers without touching the engine (there is no daemon: the client is the
   * engine), so it proves nothing. `podman info` opens the storage and reads the runtime: when it
   * answers, podman can work, and it says where.
   */
  override async probe(): Promise<EngineCapabilities> {
    if (this.capabilitiesFound !== undefined) return this.capabilitiesFound;
    const result = await this.cli(["info", "--format", "json"], PROBE_TIMEOUT_MS);
    if (result.exitCode !== 0 || result.timedOut) {
      throw engineUnavailable(this.binary, result.stderr, result.timedOut, this.options.env);
    }
    const info = JSON.parse(result.stdout) as PodmanInfo;
    this.info = info;
    const version = info.version?.Version ?? "unknown";
    const remote = this.options.env.CONTAINER_HOST;
    this.capabilitiesFound = {
      kind: "podman",
      clientVersion: version,
      serverVersion: version,
      endpoint:
        remote ??
        `local storage ${info.store?.graphRoot ?? "(unknown)"}, no daemon (runtime ${info.host?.ociRuntime?.name ?? "unknown"}, network backend ${info.host?.networkBackend ?? "unknown"})`,
      // podman says itself whether it is a client of a service elsewhere (CONTAINER_HOST or a
      // connection); a CONTAINER_HOST on a unix socket is still this machine's.
      location:
        remote !== undefined
          ? classifyEndpoint(remote).location
          : info.host?.serviceIsRemote === true
            ? "remote"
            : "local",
      platform: platformOf(info.host?.os, info.host?.arch),
    };
    return this.capabilitiesFound;
  }

  /** Whether podman works now (uncached): `info`, for the reason `probe` gives. */
  override async answers(): Promise<boolean> {
    const info = await this.cli(["info", "--format", "{{.Version.Version}}"], PROBE_TIMEOUT_MS);
    return info.exitCode === 0 && !info.timedOut;
  }

  /** podman's `build` is buildah, which handles RUN --mount itself; `info` says whether it runs rootless. */
  override async features(): Promise<EngineFeatures> {
    if (this.info === undefined) await this.probe();
    return { buildKit: true, rootless: this.info?.host?.security?.rootless === true };
  }

  /** podman prints `{{json .}}` of an image as a one-element array, its id without `sha256:`, its short names under `localhost/`. */
  override async inspectImage(reference: string): Promise<ImageInfo | undefined> {
    const result = await this.cli(["image", "inspect", "--format", "{{json .}}", reference]);
    if (result.exitCode !== 0) return undefined;
    const parsed = JSON.parse(result.stdout) as RawImage | RawImage[];
    const raw = Array.isArray(parsed) ? parsed[0] : parsed;
    if (raw === undefined) return undefined;
    const info = imageInfoOf(raw, reference);
    return { ...info, id: dockerStyleId(info.id), repoTags: info.repoTags.map(dockerStyleTag) };
  }

  /**
   * `podman image ls REPO` lists the images REPO names with every tag each of them has, other
   * repositories' too (docker lists REPO's tags only): keep REPO's.
   */
  override async listTags(repository: string): Promise<string[]> {
    const tags = await super.listTags(repository);
    return [...new Set(tags.map(dockerStyleTag))].filter((tag) => tag.startsWith(`${repository}:`));
  }

  /**
   * Every one-off container runs with `--init`. Without its init binary podman fails before the
   * command starts (exit 125): that is the engine's fault, never the image's, and it says what to install.
   */
  override async runOnce(spec: OneOffSpec, io: OneOffIo = {}): Promise<ExecResult> {
    const result = await super.runOnce(spec, io);
    if (result.exitCode === 125 && MISSING_INIT.test(result.output)) {
      throw new EngineUnavailableError(
        "podman cannot start a container with --init: its init binary is missing",
        {
          details: tail(result.output, 3),
          hint: "Install catatonit (Debian: `apt-get install catatonit`; podman does not pull it in), or set init_path in containers.conf.",
        },
      );
    }
    return result;
  }
}
