// Pure argv construction for the docker/podman CLI, shared by the adapter and `--dry-run`.
import type { ContainerSpec, ExecOptions, ImageBuildSpec, OneOffSpec } from "./engine.js";

export function imageBuildArgv(binary: string, spec: ImageBuildSpec, extra: string[] = []): string[] {
  const argv = [binary, "build", ...extra];
  if (spec.network !== "default") argv.push("--network", spec.network);
  argv.push("-f", spec.dockerfile);
  for (const tag of spec.tags) argv.push("-t", tag);
  for (const [name, value] of Object.entries(spec.buildArgs)) argv.push("--build-arg", `${name}=${value}`);
  for (const [name, value] of Object.entries(spec.labels)) argv.push("--label", `${name}=${value}`);
  argv.push(spec.contextDir);
  return argv;
}

/** Printed by the builder container's main process once it is ready. */
export const CONTAINER_READY = "wheelwright-container-ready";

/**
 * `docker run -i --rm ... sh -c 'cat >/dev/null'`: the container's main process ends when our
 * stdin closes, so with --rm it goes away by itself when wheelwright dies, even by SIGKILL
 * (RELIABILITY.md: a killed `docker run` client otherwise leaves its container running).
 */
export function containerRunArgv(binary: string, spec: ContainerSpec): string[] {
  const argv = [binary, "run", "-i", "--rm", "--name", spec.name, "--entrypoint", "sh"];
  if (spec.network !== "default") argv.push("--network", spec.network);
  for (const [key, value] of Object.entries(spec.labels)) argv.push("--label", `${key}=${value}`);
  for (const mount of spec.mounts) {
    argv.push(
      "--mount",
      `type=${mount.kind},source=${mount.source},target=${mount.target}${mount.readOnly ? ",readonly" : ""}`,
    );
  }
  const dirs = spec.makeDirs.length > 0 ? `mkdir -p ${spec.makeDirs.join(" ")} && ` : "";
  argv.push(spec.image, "-c", `${dirs}echo ${CONTAINER_READY} && exec cat >/dev/null`);
  return argv;
}

/** `docker run --rm` of a one-off container; `--init` so signals reach the command (it is not PID 1). */
export function oneOffArgv(binary: string, spec: OneOffSpec): string[] {
  const argv = [binary, "run", "--rm", "--init"];
  if (spec.inheritStdio) argv.push("-i");
  if (spec.network !== "default") argv.push("--network", spec.network);
  for (const [key, value] of Object.entries(spec.labels)) argv.push("--label", `${key}=${value}`);
  if (spec.user !== undefined) argv.push("--user", spec.user);
  if (spec.entrypoint !== undefined) argv.push("--entrypoint", spec.entrypoint);
  if (spec.workdir !== undefined) argv.push("-w", spec.workdir);
  for (const [key, value] of Object.entries(spec.env ?? {})) argv.push("-e", `${key}=${value}`);
  argv.push(spec.image, ...spec.argv);
  return argv;
}

/** `docker exec` with a fixed umask (reproducible wheels); secrets passed by name only (`-e NAME`). */
export function execArgv(
  binary: string,
  container: string,
  command: string[],
  options: ExecOptions,
): string[] {
  const argv = [binary, "exec"];
  if (options.workdir !== undefined) argv.push("-w", options.workdir);
  for (const [key, value] of Object.entries(options.env ?? {})) argv.push("-e", `${key}=${value}`);
  for (const key of Object.keys(options.secretEnv ?? {})) argv.push("-e", key);
  argv.push(container, "sh", "-c", 'umask 022 && exec "$@"', "sh", ...command);
  return argv;
}
