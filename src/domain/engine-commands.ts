// The exact command lines wheelwright sends to the docker (or podman) CLI, as pure functions of
// domain specs. The CLI adapter runs them and the planners print them, so what `--dry-run` shows
// is what runs: both call these functions with the same spec.
import { shellQuote } from "./shell-quote.js";

export type NetworkMode = "default" | "host" | "none";
export type EngineBinary = "docker" | "podman";
/** BuildKit or the legacy builder: which one runs decides how labels are passed (see imageBuildCommand). */
export type ImageBuilderKind = "buildkit" | "legacy";

/** A command for the engine's CLI: argv plus the non-secret environment it needs. */
export interface EngineCommand {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export interface ImageBuildSpec {
  /** Context folder on the host (absolute). */
  contextDir: string;
  /** The Dockerfile to build (absolute); a generated copy when labels travel as a LABEL instruction. */
  dockerfile: string;
  tags: readonly string[];
  buildArgs: Readonly<Record<string, string>>;
  /** Labels passed as --label flags (empty when they were written into the Dockerfile). */
  labels: Readonly<Record<string, string>>;
  network: NetworkMode;
  builder: ImageBuilderKind;
}

export interface Mount {
  kind: "bind" | "volume" | "tmpfs";
  /** Host path for a bind mount, volume name for a volume; unused for a tmpfs. */
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ContainerSpec {
  /** Unique, e.g. `wheelwright-<run id>`. */
  name: string;
  image: string;
  labels: Readonly<Record<string, string>>;
  network: NetworkMode;
  mounts: readonly Mount[];
  /** Folders (absolute, plain names) the main process creates before it reports ready. */
  makeDirs: readonly string[];
  /** The folder `makeDirs` are in (podman gives it a volume: see builderRunCommand). */
  workRoot?: string;
  /** Memory limit (`--memory`), e.g. `4g`; undefined: the engine's default (none). */
  memory?: string;
  /** The container's hostname (`--check-reproducible` builds a second time under another one). */
  hostname?: string;
}

/** A one-off container (`docker run --rm`): the release check, `run`, `test`. */
export interface OneOffSpec {
  image: string;
  argv: readonly string[];
  labels: Readonly<Record<string, string>>;
  network: NetworkMode;
  /** Overrides the image's user (e.g. "0" to inspect every file). */
  user?: string;
  /** Overrides the image's entrypoint. */
  entrypoint?: string;
  env?: Readonly<Record<string, string>>;
  workdir?: string;
  /** Keep stdin open (the command's input is the user's terminal). */
  interactive?: boolean;
}

export interface ExecSpec {
  container: string;
  argv: readonly string[];
  /** Plain environment (values appear in the engine's argv: no secrets here). */
  env?: Readonly<Record<string, string>>;
  /** Secret environment: passed by name only, the value travels through the client's environment. */
  secretEnvNames?: readonly string[];
  workdir?: string;
  /** Run as this user (e.g. `10001`), not the image's. */
  user?: string;
}

/** Printed by the builder container's main process once it is ready. */
export const CONTAINER_READY = "wheelwright-container-ready";

/**
 * The legacy builder turns each `--label` into a build step of its own (a container commit, about
 * a third of a second each: measured here with docker 20.10), so for it the labels are appended to
 * a copy of the Dockerfile as one LABEL instruction instead. BuildKit and podman apply --label as
 * metadata, without a step.
 */
export function labelsAsInstruction(binary: EngineBinary, builder: ImageBuilderKind): boolean {
  return binary === "docker" && builder === "legacy";
}

/** The Dockerfile text with the labels appended as one LABEL instruction. */
export function dockerfileWithLabels(text: string, labels: Readonly<Record<string, string>>): string {
  const quote = (value: string) => JSON.stringify(value);
  const pairs = Object.entries(labels).map(([key, value]) => `${quote(key)}=${quote(value)}`);
  return `${text.replace(/\s*$/, "\n")}LABEL ${pairs.join(" ")}\n`;
}

export function imageBuildCommand(binary: EngineBinary, spec: ImageBuildSpec): EngineCommand {
  const argv = [binary, "build"];
  if (spec.network !== "default") argv.push("--network", spec.network);
  argv.push("-f", spec.dockerfile);
  for (const tag of spec.tags) argv.push("-t", tag);
  for (const [name, value] of Object.entries(spec.buildArgs)) argv.push("--build-arg", `${name}=${value}`);
  for (const [name, value] of Object.entries(spec.labels)) argv.push("--label", `${name}=${value}`);
  argv.push(spec.contextDir);
  // The builder is chosen explicitly either way, so a newer client never guesses; podman's
  // `build` is buildah and ignores the variable.
  const env: Record<string, string> =
    binary === "podman"
      ? {}
      : spec.builder === "buildkit"
        ? { DOCKER_BUILDKIT: "1", BUILDKIT_PROGRESS: "plain" }
        : { DOCKER_BUILDKIT: "0" };
  return { argv, env };
}

/** A `--mount` value: docker parses it as one CSV record, so a field holding a comma or quote is quoted. */
export function mountValue(mount: Mount): string {
  const field = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const fields = [
    `type=${mount.kind}`,
    ...(mount.kind === "tmpfs" ? [] : [field(`source=${mount.source}`)]),
    field(`target=${mount.target}`),
  ];
  if (mount.readOnly) fields.push("readonly");
  return fields.join(",");
}

/** What the builder container may not do, whichever engine runs it. */
export const BUILDER_CONFINEMENT: readonly string[] = [
  "--cap-drop",
  "ALL",
  "--security-opt",
  "no-new-privileges",
  "--pids-limit",
  "4096",
];

/**
 * `docker run -i --rm ... sh -c '... exec cat >/dev/null'`: the container's main process ends when
 * our stdin closes, so with --rm it goes away by itself when wheelwright dies, even by SIGKILL
 * (a killed `docker run` client otherwise leaves its container running).
 */
export function builderRunCommand(binary: EngineBinary, spec: ContainerSpec): EngineCommand {
  const argv = [binary, "run", "-i", "--rm", "--name", spec.name, "--entrypoint", "sh"];
  // Build code needs no capability, no setuid and no fork bomb's worth of processes: it runs as the
  // image's root with none of root's powers over the kernel.
  argv.push(...BUILDER_CONFINEMENT);
  if (spec.network !== "default") argv.push("--network", spec.network);
  if (spec.memory !== undefined) argv.push("--memory", spec.memory, "--memory-swap", spec.memory);
  if (spec.hostname !== undefined) argv.push("--hostname", spec.hostname);
  for (const [key, value] of Object.entries(spec.labels)) argv.push("--label", `${key}=${value}`);
  for (const mount of spec.mounts) argv.push("--mount", mountValue(mount));
  // podman's container root folder is mode 0555 whatever the image says (containers/storage makes
  // it so), and root without CAP_DAC_OVERRIDE cannot create the work folders in it. An anonymous
  // volume there is root's own 0755 folder on disk; --rm removes it with the container, also when
  // wheelwright dies (podman has no daemon to lose: conmon's cleanup runs when `cat` ends).
  if (binary === "podman" && spec.workRoot !== undefined) {
    argv.push("--mount", `type=volume,target=${spec.workRoot}`);
  }
  const dirs = spec.makeDirs.length > 0 ? `mkdir -p ${spec.makeDirs.map(shellQuote).join(" ")} && ` : "";
  argv.push(spec.image, "-c", `${dirs}echo ${CONTAINER_READY} && exec cat >/dev/null`);
  return { argv, env: {} };
}

/** `docker run --rm` of a one-off container; `--init` so signals reach the command (it is not PID 1). */
export function oneOffCommand(binary: EngineBinary, spec: OneOffSpec): EngineCommand {
  const argv = [binary, "run", "--rm", "--init"];
  if (spec.interactive) argv.push("-i");
  if (spec.network !== "default") argv.push("--network", spec.network);
  for (const [key, value] of Object.entries(spec.labels)) argv.push("--label", `${key}=${value}`);
  if (spec.user !== undefined) argv.push("--user", spec.user);
  if (spec.entrypoint !== undefined) argv.push("--entrypoint", spec.entrypoint);
  if (spec.workdir !== undefined) argv.push("-w", spec.workdir);
  for (const [key, value] of Object.entries(spec.env ?? {})) argv.push("-e", `${key}=${value}`);
  argv.push(spec.image, ...spec.argv);
  return { argv, env: {} };
}

/** `docker exec` with a fixed umask (reproducible wheels); secrets passed by name only (`-e NAME`). */
export function execCommand(binary: EngineBinary, spec: ExecSpec): EngineCommand {
  const argv = [binary, "exec"];
  if (spec.user !== undefined) argv.push("--user", spec.user);
  if (spec.workdir !== undefined) argv.push("-w", spec.workdir);
  for (const [key, value] of Object.entries(spec.env ?? {})) argv.push("-e", `${key}=${value}`);
  for (const key of spec.secretEnvNames ?? []) argv.push("-e", key);
  argv.push(spec.container, "sh", "-c", 'umask 022 && exec "$@"', "sh", ...spec.argv);
  return { argv, env: {} };
}

/** `docker cp - CONTAINER:DIR`: a tar stream on stdin unpacked into DIR. */
export function copyInCommand(binary: EngineBinary, container: string, dir: string): EngineCommand {
  return { argv: [binary, "cp", "-", `${container}:${dir}`], env: {} };
}

/** `docker cp CONTAINER:PATH -`: PATH as a tar stream on stdout. */
export function copyOutCommand(binary: EngineBinary, container: string, from: string): EngineCommand {
  return { argv: [binary, "cp", `${container}:${from}`, "-"], env: {} };
}

/** Freezes every process of a container (the cgroup freezer): nothing in it runs while we copy out. */
export function pauseCommand(binary: EngineBinary, container: string): EngineCommand {
  return { argv: [binary, "pause", container], env: {} };
}

/** Force-removes containers with their anonymous volumes (-v); works on paused ones too. */
export function removeContainersCommand(binary: EngineBinary, names: readonly string[]): EngineCommand {
  return { argv: [binary, "rm", "-f", "-v", ...names], env: {} };
}

/** A named volume with labels (the builder's cache volume, made before the builder that mounts it). */
export function volumeCreateCommand(
  binary: EngineBinary,
  name: string,
  labels: Readonly<Record<string, string>>,
): EngineCommand {
  const argv = [binary, "volume", "create"];
  for (const [key, value] of Object.entries(labels)) argv.push("--label", `${key}=${value}`);
  return { argv: [...argv, name], env: {} };
}

export function removeVolumeCommand(binary: EngineBinary, name: string): EngineCommand {
  return { argv: [binary, "volume", "rm", "-f", name], env: {} };
}

export function tagCommand(binary: EngineBinary, source: string, target: string): EngineCommand {
  return { argv: [binary, "tag", source, target], env: {} };
}

/** Removes one tag, or an image by id when no tag names it. */
export function removeImageCommand(binary: EngineBinary, reference: string): EngineCommand {
  return { argv: [binary, "image", "rm", reference], env: {} };
}

/**
 * `docker login` with the password on stdin. `configDir` is a temporary DOCKER_CONFIG, so the
 * credential is not left in the user's engine config after the run.
 */
export function loginCommand(
  binary: EngineBinary,
  registry: string,
  username: string,
  configDir: string | undefined,
): EngineCommand {
  return {
    argv: [binary, "login", registry, "--username", username, "--password-stdin"],
    env: configDir === undefined ? {} : configEnv(binary, configDir),
  };
}

export function pushCommand(
  binary: EngineBinary,
  reference: string,
  configDir: string | undefined,
): EngineCommand {
  return {
    argv: [binary, "push", reference],
    env: configDir === undefined ? {} : configEnv(binary, configDir),
  };
}

/** The registry's digest of a reference (docker: `manifest inspect`; podman: `manifest inspect` too). */
export function remoteDigestCommand(
  binary: EngineBinary,
  reference: string,
  insecure: boolean,
  configDir: string | undefined,
): EngineCommand {
  const argv =
    binary === "podman"
      ? [binary, "manifest", "inspect", ...(insecure ? ["--tls-verify=false"] : []), reference]
      : [binary, "manifest", "inspect", "--verbose", ...(insecure ? ["--insecure"] : []), reference];
  return { argv, env: configDir === undefined ? {} : configEnv(binary, configDir) };
}

/** docker reads DOCKER_CONFIG (a folder); podman reads REGISTRY_AUTH_FILE (a file). */
export function configEnv(binary: EngineBinary, configDir: string): Record<string, string> {
  return binary === "podman"
    ? { REGISTRY_AUTH_FILE: `${configDir}/auth.json` }
    : { DOCKER_CONFIG: configDir };
}
