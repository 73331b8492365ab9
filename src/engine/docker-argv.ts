// Pure argv construction for the docker/podman CLI, shared by the adapter and `--dry-run`.
import type { ImageBuildSpec } from "./engine.js";

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

export function pruneArgv(binary: string, labels: string[]): string[] {
  return [binary, "image", "prune", "--force", ...labels.flatMap((label) => ["--filter", `label=${label}`])];
}
