// Whether the engine tests can run. In CI (or with WHEELWRIGHT_REQUIRE_ENGINE=1) a missing engine
// is a failure, never a silent skip.
import { execaSync } from "execa";
import { REPO_ROOT } from "./cli.js";

export function engineAnswers(): boolean {
  return (
    execaSync("docker", ["version", "--format", "{{.Server.Version}}"], { reject: false, timeout: 15_000 })
      .exitCode === 0
  );
}

export const engineRequired = process.env.WHEELWRIGHT_REQUIRE_ENGINE === "1" || process.env.CI === "true";

/** Call at the top of an engine test file: skips locally without an engine, fails in CI. */
export function engineOrSkip(): boolean {
  const answers = engineAnswers();
  if (!answers && engineRequired) {
    throw new Error(
      "The engine tests need a running Docker engine (CI requires it): start one with `bash .ci/start-engine.sh`",
    );
  }
  return !answers;
}

/** Images the fixture projects build FROM: the polls example's base and builder, built once. */
export const TEST_BASE = "wheelwright-test/base:latest";
export const TEST_BUILDER = "wheelwright-test/builder:latest";

export function ensureTestImages(): void {
  const exists = (ref: string) =>
    execaSync("docker", ["image", "inspect", ref], { reject: false }).exitCode === 0;
  if (exists(TEST_BASE) && exists(TEST_BUILDER)) return;
  const docker = `${REPO_ROOT}/examples/polls/docker`;
  execaSync("docker", ["build", "--network", "host", "-q", "-t", TEST_BASE, `${docker}/base`], {
    env: { DOCKER_BUILDKIT: "0" },
  });
  execaSync(
    "docker",
    [
      "build",
      "--network",
      "host",
      "-q",
      "--build-arg",
      `BASE_IMAGE=${TEST_BASE}`,
      "-t",
      TEST_BUILDER,
      `${docker}/builder`,
    ],
    {
      env: { DOCKER_BUILDKIT: "0" },
    },
  );
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
