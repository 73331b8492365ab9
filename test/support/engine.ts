// Whether the engine tests can run, and what the engine holds of a project. In CI (or with
// WHEELWRIGHT_REQUIRE_ENGINE=1) a missing engine is a failure, never a silent skip.
import { mkdirSync, symlinkSync } from "node:fs";
import { execaSync } from "execa";
import { testRun } from "./test-run.js";

export { engineRequired } from "./run-facts.js";

/**
 * For `describe.skipIf`: true (skip) only when no engine answers and none is required. The global
 * setup already failed the run when one is required and missing.
 */
export function engineOrSkip(): boolean {
  return !testRun().engine;
}

/** Containers of a project still on the engine (running or not). */
export function containersOf(project: string): string[] {
  const result = execaSync("docker", [
    "ps",
    "-a",
    "--format",
    "{{.Names}}",
    "--filter",
    `label=io.wheelwright.project=${project}`,
  ]);
  return String(result.stdout)
    .split("\n")
    .filter((line) => line.trim() !== "");
}

export function imageExists(ref: string): boolean {
  return execaSync("docker", ["image", "inspect", ref], { reject: false }).exitCode === 0;
}

/**
 * A PATH under which `docker` builds with BuildKit without buildx: a client older than 23, which
 * carries BuildKit's client itself (Debian's docker.io, which `.ci/run` installs at /usr/bin/docker).
 * The PATH as it is when its `docker` already is one; else a folder whose `docker` links to
 * /usr/bin/docker, first. Where no such client is, the test that needs one fails, with the reason.
 */
export function buildKitClientPath(scratch: string): string {
  const major = (docker: string) =>
    Number.parseInt(
      String(execaSync(docker, ["version", "--format", "{{.Client.Version}}"], { reject: false }).stdout),
      10,
    );
  const path = process.env.PATH ?? "";
  if (major("docker") < 23) return path;
  if (!(major("/usr/bin/docker") < 23))
    throw new Error(
      "no docker client with BuildKit built in: `docker` is 23 or newer and /usr/bin/docker is not Debian's docker.io 20.10 (apt-get install docker.io)",
    );
  mkdirSync(scratch, { recursive: true });
  symlinkSync("/usr/bin/docker", `${scratch}/docker`);
  return `${scratch}:${path}`;
}
