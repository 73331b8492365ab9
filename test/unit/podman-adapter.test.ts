// The podman adapter's answers where podman differs from docker, by the exact command lines it
// sends and what it makes of podman's output (recorded from Debian's podman 4.3).
import { describe, expect, it } from "vitest";
import { builderRunCommand, type ContainerSpec, oneOffCommand } from "../../src/domain/engine-commands.js";
import { detectEngine } from "../../src/engine/detect.js";
import { dockerStyleTag, PodmanCli } from "../../src/engine/podman-cli.js";
import { EngineUnavailableError } from "../../src/errors.js";
import { builderContainerSpec } from "../../src/plan/builder-container.js";
import { recordingRunner } from "../support/recording-runner.js";

const PODMAN_INFO = JSON.stringify({
  host: {
    ociRuntime: { name: "runc" },
    security: { rootless: false },
    networkBackend: "cni",
    os: "linux",
    arch: "amd64",
  },
  store: { graphRoot: "/var/lib/containers/storage" },
  version: { Version: "4.3.1" },
});

/** `podman image inspect --format '{{json .}}'` prints a one-element array, ids without sha256:. */
const INSPECTED = `[
     {
          "Id": "4f8cc01030b7a2de",
          "Created": "2026-11-30T03:14:00Z",
          "RepoTags": ["localhost/ns/app-release:abc", "localhost/ns/app-release:latest", "127.0.0.1:5000/ns/app-release:1"],
          "Size": 195100000,
          "Config": { "User": "10001", "Labels": { "io.wheelwright.project": "ns/app" } }
     }
]`;

const builderSpec = (): ContainerSpec =>
  builderContainerSpec({
    name: "wheelwright-r1",
    image: "ns/app-builder:abc",
    labels: {},
    network: "host",
    cacheVolume: "wheelwright-cache-ns-app",
    readOnlyHostDirs: [],
    imageVolumes: [],
  });

describe("the podman adapter", () => {
  it("probes with `podman info` (podman has no daemon: `version` answers even when it cannot work) and says where it works", async () => {
    const { runner, calls } = recordingRunner({ "podman info": { exitCode: 0, stdout: PODMAN_INFO } });
    const engine = new PodmanCli({ runner, env: {} });
    const capabilities = await engine.probe();
    expect(calls[0]!.argv).toEqual(["podman", "info", "--format", "json"]);
    expect(capabilities).toMatchObject({
      kind: "podman",
      clientVersion: "4.3.1",
      serverVersion: "4.3.1",
      platform: "linux/amd64",
    });
    expect(capabilities.endpoint).toContain("/var/lib/containers/storage");
    expect(capabilities.endpoint).toContain("runtime runc");
    expect(await engine.features()).toEqual({ buildKit: true, rootless: false });
  });

  it("is unavailable, with podman's reason, when `podman info` fails", async () => {
    const { runner } = recordingRunner({
      "podman info": { exitCode: 125, stderr: "Error: could not get runtime: permission denied\n" },
    });
    await expect(new PodmanCli({ runner, env: {} }).probe()).rejects.toThrow(EngineUnavailableError);
  });

  it("reads podman's inspect array as docker's object: sha256: ids, names without podman's localhost/", async () => {
    const { runner } = recordingRunner({ "podman image inspect": { exitCode: 0, stdout: INSPECTED } });
    const info = await new PodmanCli({ runner, env: {} }).inspectImage("ns/app-release:abc");
    expect(info).toMatchObject({
      id: "sha256:4f8cc01030b7a2de",
      user: "10001",
      size: 195100000,
      labels: { "io.wheelwright.project": "ns/app" },
    });
    expect(info?.repoTags).toEqual([
      "ns/app-release:abc",
      "ns/app-release:latest",
      "127.0.0.1:5000/ns/app-release:1",
    ]);
  });

  it("never reads inspect output it does not understand as an image without a USER", async () => {
    const { runner } = recordingRunner({
      "podman image inspect": { exitCode: 0, stdout: '[{"Config": {}}]' },
    });
    await expect(new PodmanCli({ runner, env: {} }).inspectImage("ns/app-release:abc")).rejects.toThrow(
      /description of the image ns\/app-release:abc could not be read/,
    );
  });

  it("lists the tags of one repository only (podman's `image ls REPO` prints every tag of REPO's images)", async () => {
    const { runner } = recordingRunner({
      "podman image ls": {
        exitCode: 0,
        stdout:
          "localhost/ns/app-release:abc\nlocalhost/debian:bookworm-slim\nlocalhost/ns/app-release-x:1\nlocalhost/ns/app-release:<none>\n",
      },
    });
    expect(await new PodmanCli({ runner, env: {} }).listTags("ns/app-release")).toEqual([
      "ns/app-release:abc",
    ]);
    expect(dockerStyleTag("localhost:5000/ns/app:1")).toBe("localhost:5000/ns/app:1");
  });

  it("names a missing catatonit as the engine's fault (exit 4), not the image's", async () => {
    const { runner } = recordingRunner({
      "podman run": {
        exitCode: 125,
        stderr:
          "Error: container-init binary not found on the host: stat /usr/libexec/podman/catatonit: no such file or directory\n",
      },
    });
    const run = new PodmanCli({ runner, env: {} }).runOnce({
      image: "ns/app-release:abc",
      argv: ["-c", "true"],
      entrypoint: "sh",
      labels: {},
      network: "none",
    });
    await expect(run).rejects.toThrow(EngineUnavailableError);
    await expect(run).rejects.toThrow(/init binary is missing/);
    await expect(run).rejects.toMatchObject({ exitCode: 4, hint: expect.stringMatching(/catatonit/) });
  });

  it("passes on a one-off container's own exit codes; 1 may mean catatonit could not exec the command", async () => {
    const { runner } = recordingRunner({ "podman run": { exitCode: 42 } });
    const engine = new PodmanCli({ runner, env: {} });
    const spec = { image: "i", argv: ["sh"], labels: {}, network: "none" as const };
    expect((await engine.runOnce(spec)).exitCode).toBe(42);
    expect(engine.notStartedExitCodes).toContain(1);
    expect(oneOffCommand("podman", spec).argv).toContain("--init");
  });

  it("gives the builder's work folder a volume on podman only (podman's container root is 0555)", () => {
    const spec = builderSpec();
    expect(spec.workRoot).toBe("/wheelwright");
    const podman = builderRunCommand("podman", spec).argv;
    const docker = builderRunCommand("docker", spec).argv;
    expect(podman.join(" ")).toContain("--mount type=volume,target=/wheelwright ");
    expect(docker.join(" ")).not.toContain("target=/wheelwright ");
    // Same confinement for both engines.
    for (const argv of [podman, docker]) expect(argv.join(" ")).toContain("--cap-drop ALL");
  });
});

describe("engine detection reports every candidate", () => {
  const podmanOnly = recordingRunner({
    "docker version": {
      exitCode: 1,
      stderr: "Cannot connect to the Docker daemon. Is the docker daemon running?",
    },
    "podman info": { exitCode: 0, stdout: PODMAN_INFO },
  });

  it("auto: docker rejected with its reason, podman chosen, local not tried", async () => {
    const detection = await detectEngine({
      choice: "auto",
      env: {},
      runner: podmanOnly.runner,
      which: (name) => `/usr/bin/${name}`,
    });
    expect(detection.kind).toBe("container");
    expect(detection.report.map((r) => [r.candidate, r.accepted, r.tried !== false])).toEqual([
      ["docker", false, true],
      ["podman", true, true],
      ["local", false, false],
    ]);
    expect(detection.report[0]!.reason).toMatch(/not running/);
    expect(detection.report[2]!.reason).toBe("not tried: podman answered first");
  });

  it("a chosen engine: the others were not tried, and why", async () => {
    const detection = await detectEngine({
      choice: "podman",
      env: {},
      runner: podmanOnly.runner,
      which: (name) => `/usr/bin/${name}`,
    });
    expect(detection.report.map((r) => [r.candidate, r.accepted, r.reason])).toEqual([
      ["podman", true, expect.stringContaining("4.3.1")],
      ["docker", false, "not tried: the engine is set to podman"],
      ["local", false, "not tried: the engine is set to podman"],
    ]);
  });
});
