// Publishing a manifest list through docker's and podman's `manifest` commands (issue 14): the
// exact command lines each adapter sends (members by digest, platforms said, credentials only
// through the engine's config), the digest each reports, and a failure that stops the sequence.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ManifestListMember } from "../../src/domain/manifest-list-commands.js";
import { DockerCli } from "../../src/engine/docker-cli.js";
import { PodmanCli } from "../../src/engine/podman-cli.js";
import { recordingRunner } from "../support/recording-runner.js";

const REPO = "127.0.0.1:5000/acme/app-release";
const LIST = `${REPO}:abc123-bookworm`;
const AMD = `${REPO}@sha256:${"1".repeat(64)}`;
const ARM = `${REPO}@sha256:${"2".repeat(64)}`;
const LIST_DIGEST = `sha256:${"9".repeat(64)}`;
const MEMBERS: ManifestListMember[] = [
  { reference: AMD, platform: { os: "linux", architecture: "amd64", variant: undefined } },
  { reference: ARM, platform: { os: "linux", architecture: "arm64", variant: "v8" } },
];
const OPTIONS = { timeoutMs: 60_000, insecure: true, configDir: undefined };

describe("publishing a manifest list", () => {
  it("docker: drops a stale local list, creates it from the digests, annotates each platform, pushes with --purge", async () => {
    const { runner, calls } = recordingRunner({
      "docker manifest push": { exitCode: 0, stdout: `${LIST_DIGEST}\n` },
      "docker manifest rm": { exitCode: 1, stderr: `No such manifest: ${LIST}\n` },
    });
    const engine = new DockerCli({ binary: "docker", runner, env: {} });
    const result = await engine.publishManifestList(LIST, MEMBERS, OPTIONS);
    expect(calls.map((call) => call.argv)).toEqual([
      ["docker", "manifest", "rm", LIST],
      ["docker", "manifest", "create", "--insecure", LIST, AMD, ARM],
      ["docker", "manifest", "annotate", "--os", "linux", "--arch", "amd64", LIST, AMD],
      ["docker", "manifest", "annotate", "--os", "linux", "--arch", "arm64", "--variant", "v8", LIST, ARM],
      ["docker", "manifest", "push", "--insecure", "--purge", LIST],
      ["docker", "manifest", "rm", LIST],
    ]);
    expect(result).toMatchObject({ exitCode: 0, digest: LIST_DIGEST });
  });

  it("docker: no --insecure for a TLS registry, and a login's temporary config through DOCKER_CONFIG only", async () => {
    const { runner, calls } = recordingRunner({
      "docker manifest push": { exitCode: 0, stdout: `${LIST_DIGEST}\n` },
    });
    const engine = new DockerCli({ binary: "docker", runner, env: {} });
    await engine.publishManifestList(LIST, MEMBERS, { ...OPTIONS, insecure: false, configDir: "/tmp/cfg" });
    expect(calls.every((call) => !call.argv.includes("--insecure"))).toBe(true);
    for (const call of calls.slice(1, -1)) expect(call.options?.env?.DOCKER_CONFIG).toBe("/tmp/cfg");
  });

  it("docker: a refused create stops the sequence, reports the registry's words and no digest, and drops the local list", async () => {
    const { runner, calls } = recordingRunner({
      "docker manifest create": { exitCode: 1, stderr: "manifest unknown: manifest unknown\n" },
    });
    const engine = new DockerCli({ binary: "docker", runner, env: {} });
    const result = await engine.publishManifestList(LIST, MEMBERS, OPTIONS);
    expect(result).toMatchObject({ exitCode: 1, digest: undefined });
    expect(result.output).toContain("manifest unknown");
    expect(calls.map((call) => call.argv.slice(0, 3).join(" "))).toEqual([
      "docker manifest rm",
      "docker manifest create",
      "docker manifest rm",
    ]);
  });

  it("podman: a local list, each member added from the registry with its platform, pushed without the members, its digest from the digest file", async () => {
    const { runner, calls } = recordingRunner({
      "podman manifest push": (argv) => {
        writeFileSync(argv[argv.indexOf("--digestfile") + 1]!, LIST_DIGEST);
        return { exitCode: 0, stdout: "Writing manifest list to image destination\n" };
      },
    });
    const engine = new PodmanCli({ runner, env: {} });
    const result = await engine.publishManifestList(LIST, MEMBERS, { ...OPTIONS, configDir: "/tmp/cfg" });
    const argv = calls.map((call) => call.argv);
    const digestFile = argv[4]![argv[4]!.indexOf("--digestfile") + 1]!;
    expect(argv).toEqual([
      ["podman", "manifest", "rm", LIST],
      ["podman", "manifest", "create", LIST],
      [
        "podman",
        "manifest",
        "add",
        "--tls-verify=false",
        "--os",
        "linux",
        "--arch",
        "amd64",
        LIST,
        `docker://${AMD}`,
      ],
      [
        "podman",
        "manifest",
        "add",
        "--tls-verify=false",
        "--os",
        "linux",
        "--arch",
        "arm64",
        "--variant",
        "v8",
        LIST,
        `docker://${ARM}`,
      ],
      [
        "podman",
        "manifest",
        "push",
        "--all=false",
        "--tls-verify=false",
        "--rm",
        "--digestfile",
        digestFile,
        LIST,
        `docker://${LIST}`,
      ],
      ["podman", "manifest", "rm", LIST],
    ]);
    // podman reads a login from REGISTRY_AUTH_FILE (a file), never from argv.
    expect(calls[2]!.options?.env?.REGISTRY_AUTH_FILE).toBe("/tmp/cfg/auth.json");
    expect(result).toMatchObject({ exitCode: 0, digest: LIST_DIGEST });
  });
});
