import { describe, expect, it } from "vitest";
import {
  builderRunCommand,
  CONTAINER_READY,
  dockerfileWithLabels,
  execCommand,
  imageBuildCommand,
  labelsAsInstruction,
  mountValue,
} from "../../src/domain/engine-commands.js";
import { DockerCli } from "../../src/engine/docker-cli.js";
import { engineUnavailable } from "../../src/engine/engine-errors.js";
import { recordingRunner } from "../support/recording-runner.js";

const spec = {
  contextDir: "/p/docker/base",
  dockerfile: "/p/docker/base/Dockerfile",
  tags: ["a/b:1", "a/b:latest"],
  buildArgs: { BASE_IMAGE: "a/base:1" },
  labels: { "io.wheelwright.project": "a/b" },
  network: "host" as const,
  builder: "buildkit" as const,
};

describe("engine command lines", () => {
  it("builds images with network, tags, build args and labels, context last, the builder chosen by env", () => {
    const command = imageBuildCommand("docker", spec);
    expect(command.argv).toEqual([
      "docker",
      "build",
      "--network",
      "host",
      "-f",
      "/p/docker/base/Dockerfile",
      "-t",
      "a/b:1",
      "-t",
      "a/b:latest",
      "--build-arg",
      "BASE_IMAGE=a/base:1",
      "--label",
      "io.wheelwright.project=a/b",
      "/p/docker/base",
    ]);
    expect(command.env).toEqual({ DOCKER_BUILDKIT: "1", BUILDKIT_PROGRESS: "plain" });
    expect(imageBuildCommand("docker", { ...spec, builder: "legacy" }).env).toEqual({ DOCKER_BUILDKIT: "0" });
    expect(imageBuildCommand("podman", spec).env).toEqual({});
  });

  it("puts labels in a LABEL instruction only for docker's legacy builder", () => {
    expect(labelsAsInstruction("docker", "legacy")).toBe(true);
    expect(labelsAsInstruction("docker", "buildkit")).toBe(false);
    expect(labelsAsInstruction("podman", "legacy")).toBe(false);
    expect(dockerfileWithLabels("FROM x\n\n", { a: "1", "b.c": 'say "hi"' })).toBe(
      'FROM x\nLABEL "a"="1" "b.c"="say \\"hi\\""\n',
    );
  });

  it("runs the builder so that it dies with its client (-i --rm, main process reads stdin)", () => {
    const { argv } = builderRunCommand("podman", {
      name: "wheelwright-1",
      image: "a/b-builder:1",
      labels: { "io.wheelwright.run": "1" },
      network: "none",
      mounts: [{ kind: "bind", source: "/opt/pypi", target: "/opt/pypi", readOnly: true }],
      makeDirs: ["/w/src", "/w/out"],
      memory: "2g",
    });
    expect(argv.slice(0, 5)).toEqual(["podman", "run", "-i", "--rm", "--name"]);
    expect(argv).toContain("type=bind,source=/opt/pypi,target=/opt/pypi,readonly");
    expect(argv.join(" ")).toContain("--memory 2g --memory-swap 2g");
    // Build code runs without capabilities, setuid or an unbounded process count.
    expect(argv.join(" ")).toContain("--cap-drop ALL --security-opt no-new-privileges --pids-limit 4096");
    expect(argv.slice(-3)).toEqual([
      "a/b-builder:1",
      "-c",
      `mkdir -p /w/src /w/out && echo ${CONTAINER_READY} && exec cat >/dev/null`,
    ]);
  });

  it("quotes a mount field holding a comma or a quote, as docker's CSV parser reads it", () => {
    expect(mountValue({ kind: "bind", source: "/tmp/a, b", target: '/x"y', readOnly: true })).toBe(
      'type=bind,"source=/tmp/a, b","target=/x""y",readonly',
    );
    expect(mountValue({ kind: "volume", source: "v", target: "/cache", readOnly: false })).toBe(
      "type=volume,source=v,target=/cache",
    );
  });

  it("passes secrets to exec by name only, never their value", () => {
    const { argv } = execCommand("docker", {
      container: "c1",
      argv: ["pip", "wheel"],
      env: { A: "1" },
      secretEnvNames: ["PIP_INDEX_URL"],
    });
    expect(argv).toEqual([
      "docker",
      "exec",
      "-e",
      "A=1",
      "-e",
      "PIP_INDEX_URL",
      "c1",
      "sh",
      "-c",
      'umask 022 && exec "$@"',
      "sh",
      "pip",
      "wheel",
    ]);
  });
});

describe("the docker CLI adapter", () => {
  it("runs exactly the planned build command, then reads the id its first tag names", async () => {
    const { runner, calls } = recordingRunner({
      "docker image inspect": {
        exitCode: 0,
        stdout: JSON.stringify({ Id: "sha256:abc", Created: "", RepoTags: ["a/b:1"] }),
      },
    });
    const result = await new DockerCli({ binary: "docker", runner, env: { PATH: "/bin" } }).buildImage(
      spec,
      () => undefined,
    );
    expect(result.imageId).toBe("sha256:abc");
    const planned = imageBuildCommand("docker", spec);
    expect(calls[0]!.argv).toEqual(planned.argv);
    expect(calls[0]!.options?.env).toMatchObject({ PATH: "/bin", ...planned.env });
    expect(calls[1]!.argv).toEqual(["docker", "image", "inspect", "--format", "{{json .}}", "a/b:1"]);
  });

  it("logs in with the password on stdin, never in argv, into a temporary config when given", async () => {
    const { runner, calls } = recordingRunner({});
    await new DockerCli({ binary: "docker", runner, env: {} }).login(
      "127.0.0.1:5000",
      "alice",
      "PW-MARKER",
      "/tmp/cfg",
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
    expect(calls[0]!.options?.env).toMatchObject({ DOCKER_CONFIG: "/tmp/cfg" });
  });

  it("probes the engine: legacy builder for a new client without buildx, BuildKit for an old one", async () => {
    const version = (client: string) => ({
      exitCode: 0,
      stdout: JSON.stringify({
        Client: { Version: client },
        Server: { Version: "20.10.24", Os: "linux", Arch: "arm64" },
      }),
    });
    const modern = recordingRunner({ "docker version": version("28.2.2"), "docker buildx": { exitCode: 1 } });
    const engine = new DockerCli({ binary: "docker", runner: modern.runner, env: {} });
    expect(await engine.probe()).toMatchObject({
      clientVersion: "28.2.2",
      serverVersion: "20.10.24",
      platform: "linux/arm64",
    });
    // Detection asks the engine one question only (and the client, which answers without the
    // engine, which context it resolves); the builder's features are asked when needed.
    expect(modern.calls.map((c) => c.argv.slice(0, 2).join(" "))).toEqual([
      "docker version",
      "docker context",
    ]);
    expect((await engine.features()).buildKit).toBe(false);
    const old = recordingRunner({ "docker version": version("20.10.24"), "docker buildx": { exitCode: 1 } });
    expect((await new DockerCli({ binary: "docker", runner: old.runner, env: {} }).features()).buildKit).toBe(
      true,
    );
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
