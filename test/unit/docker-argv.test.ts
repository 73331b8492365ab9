import { describe, expect, it } from "vitest";
import { CONTAINER_READY, containerRunArgv, execArgv, imageBuildArgv } from "../../src/engine/docker-argv.js";

import { DockerCli, engineUnavailable } from "../../src/engine/docker-cli.js";
import type { ProcessRunner, RunOptions } from "../../src/engine/process-runner.js";

/** Records every argv and answers from a script of results. */
function recordingRunner(answers: Record<string, { exitCode: number; stdout?: string; stderr?: string }>) {
  const calls: { argv: readonly string[]; options: RunOptions | undefined }[] = [];
  const runner: ProcessRunner = {
    async run(argv, options) {
      calls.push({ argv, options });
      const key = Object.keys(answers).find((prefix) => argv.join(" ").startsWith(prefix));
      const answer = key === undefined ? { exitCode: 0 } : answers[key]!;
      return {
        exitCode: answer.exitCode,
        stdout: answer.stdout ?? "",
        stderr: answer.stderr ?? "",
        timedOut: false,
        aborted: false,
      };
    },
  };
  return { runner, calls };
}

describe("docker argv", () => {
  it("builds images with network, tags, build args and labels, context last", () => {
    const argv = imageBuildArgv("docker", {
      contextDir: "docker/base",
      dockerfile: "docker/base/Dockerfile",
      tags: ["a/b:1", "a/b:latest"],
      buildArgs: { BASE_IMAGE: "a/base:1" },
      labels: { "io.wheelwright.project": "a/b" },
      network: "host",
      buildKit: false,
    });
    expect(argv).toEqual([
      "docker",
      "build",
      "--network",
      "host",
      "-f",
      "docker/base/Dockerfile",
      "-t",
      "a/b:1",
      "-t",
      "a/b:latest",
      "--build-arg",
      "BASE_IMAGE=a/base:1",
      "--label",
      "io.wheelwright.project=a/b",
      "docker/base",
    ]);
  });

  it("runs the builder so that it dies with its client (-i --rm, main process reads stdin)", () => {
    const argv = containerRunArgv("podman", {
      name: "wheelwright-1",
      image: "a/b-builder:1",
      labels: { "io.wheelwright.run": "1" },
      network: "none",
      mounts: [{ kind: "bind", source: "/opt/pypi", target: "/opt/pypi", readOnly: true }],
      makeDirs: ["/w/src", "/w/out"],
    });
    expect(argv.slice(0, 5)).toEqual(["podman", "run", "-i", "--rm", "--name"]);
    expect(argv).toContain("type=bind,source=/opt/pypi,target=/opt/pypi,readonly");
    // Its main process makes the folders, says it is ready, then lives exactly as long as our stdin.
    expect(argv.slice(-3)).toEqual([
      "a/b-builder:1",
      "-c",
      `mkdir -p /w/src /w/out && echo ${CONTAINER_READY} && exec cat >/dev/null`,
    ]);
  });

  it("logs in with the password on stdin, never in argv", async () => {
    const { runner, calls } = recordingRunner({});
    await new DockerCli({ binary: "docker", kind: "docker", runner, env: {} }).login(
      "127.0.0.1:5000",
      "alice",
      "PW-MARKER",
    );
    expect(calls[0]!.argv).toEqual([
      "docker",
      "login",
      "127.0.0.1:5000",
      "--username",
      "alice",
      "--password-stdin",
    ]);
    expect(calls[0]!.options?.input).toBe("PW-MARKER");
  });

  it("passes secrets to exec by name only, never their value", () => {
    const argv = execArgv("docker", "c1", ["pip", "wheel"], {
      env: { A: "1" },
      secretEnv: { PIP_INDEX_URL: "https://u:SECRET@x/simple" },
    });
    expect(argv.join(" ")).not.toContain("SECRET");
    expect(argv).toContain("PIP_INDEX_URL");
    expect(argv).toContain("A=1");
  });

  it("probes the engine: legacy builder for a new client without buildx, BuildKit for an old one", async () => {
    const version = (client: string) => ({
      exitCode: 0,
      stdout: JSON.stringify({ Client: { Version: client }, Server: { Version: "20.10.24" } }),
    });
    const modern = recordingRunner({ "docker version": version("28.2.2"), "docker buildx": { exitCode: 1 } });
    const engine = new DockerCli({ binary: "docker", kind: "docker", runner: modern.runner, env: {} });
    expect(await engine.probe()).toMatchObject({ clientVersion: "28.2.2", serverVersion: "20.10.24" });
    // Detection asks one question only; the builder's features are asked when needed.
    expect(modern.calls.map((c) => c.argv.slice(0, 2).join(" "))).toEqual(["docker version"]);
    expect((await engine.features()).buildKit).toBe(false);
    const old = recordingRunner({ "docker version": version("20.10.24"), "docker buildx": { exitCode: 1 } });
    expect(
      (await new DockerCli({ binary: "docker", kind: "docker", runner: old.runner, env: {} }).features())
        .buildKit,
    ).toBe(true);
  });

  it("tells a stopped engine from a socket it may not use", () => {
    expect(
      engineUnavailable(
        "docker",
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
        false,
        {},
      ).message,
    ).toMatch(/not running/);
    const denied = engineUnavailable(
      "docker",
      "permission denied while trying to connect to the Docker daemon socket",
      false,
      {},
    );
    expect(denied.message).toMatch(/Permission denied/);
    expect(denied.hint).toMatch(/docker` group/);
    expect(engineUnavailable("docker", "", true, { DOCKER_HOST: "tcp://127.0.0.1:1" }).message).toMatch(
      /did not answer/,
    );
  });
});
