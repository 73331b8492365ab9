// `wheelwright push` against real registries on 127.0.0.1 (without and with htpasswd auth), a
// stopped one and a hung one. Each test uses a throwaway DOCKER_CONFIG.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa, execaSync } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runCli, sh } from "../support/cli.js";
import { engineOrSkip, ensureTestImages } from "../support/engine.js";
import { copyPolls } from "../support/fixtures.js";
import { type Registry, startHungRegistry, startRegistry } from "../support/registry.js";

const PASSWORD = `pw-MARKER-${Date.now()}`;
const dockerConfig = () => mkdtempSync(path.join(tmpdir(), "wheelwright-docker-config-"));

describe.skipIf(engineOrSkip())("wheelwright push (real registries)", () => {
  let open: Registry;
  let guarded: Registry;
  let root: string;

  /** Builds the release image of the polls copy under a namespace on `address`. */
  const releaseFor = async (address: string) => {
    const env = { WHEELWRIGHT_NAMESPACE: `${address}/acme` };
    expect((await runCli(["build"], { cwd: root, env })).exitCode).toBe(0);
    const release = await runCli(["release"], { cwd: root, env });
    expect(release.exitCode, release.stderr).toBe(0);
    return env;
  };

  beforeAll(async () => {
    ensureTestImages();
    open = await startRegistry(5071);
    guarded = await startRegistry(5072, { user: "alice", password: PASSWORD });
    root = copyPolls();
  });
  afterAll(() => {
    open?.stop();
    guarded?.stop();
  });

  it("pushes :sha, :version and each TAG, and a pull back gives the same digest", async () => {
    const env = await releaseFor(open.address);
    const sha = await sh("git rev-parse --short=12 HEAD", { cwd: root });
    const result = await runCli(["push", "v1.2"], {
      cwd: root,
      env: { ...env, DOCKER_CONFIG: dockerConfig() },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.trim().split("\n");
    const pushed = lines.map((line) => line.split("@")[0]).sort();
    expect(pushed).toEqual(
      [sha, "latest", "v1.2"].map((tag) => `${open.address}/acme/polls-release:${tag}`).sort(),
    );
    const digest = lines[0]!.split("@")[1]!;
    const ref = `${open.address}/acme/polls-release:v1.2`;
    await sh(`docker image rm ${ref}`);
    await sh(`docker pull -q ${ref}`);
    expect(
      String(execaSync("docker", ["image", "inspect", "-f", "{{json .RepoDigests}}", ref]).stdout),
    ).toContain(digest);
  });

  it("not logged in: exit 9, the registry named", async () => {
    const env = await releaseFor(guarded.address);
    const result = await runCli(["push"], { cwd: root, env: { ...env, DOCKER_CONFIG: dockerConfig() } });
    expect(result.exitCode).toBe(9);
    expect(result.stderr).toContain(`Not logged in to ${guarded.address}`);
  });

  it("a wrong password: exit 9, and no credential printed", async () => {
    const env = { WHEELWRIGHT_NAMESPACE: `${guarded.address}/acme`, DOCKER_CONFIG: dockerConfig() };
    const child = execa("node", [CLI, "push", "--username", "alice", "--password-stdin"], {
      cwd: root,
      env: { ...process.env, CI: "true", ...env },
      input: `${PASSWORD}-wrong\n`,
      reject: false,
    });
    const result = await child;
    expect(result.exitCode).toBe(9);
    expect(result.stderr).toMatch(/refused the credentials \(401 Unauthorized\)/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
  });

  it("the right password on stdin: pushed, verified, and the password appears nowhere", async () => {
    const env = { WHEELWRIGHT_NAMESPACE: `${guarded.address}/acme`, DOCKER_CONFIG: dockerConfig() };
    const result = await execa(
      "node",
      [CLI, "--verbose", "push", "--username", "alice", "--password-stdin"],
      { cwd: root, env: { ...process.env, CI: "true", ...env }, input: `${PASSWORD}\n`, reject: false },
    );
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(String(result.stdout)).toMatch(
      new RegExp(`${guarded.address}/acme/polls-release:latest@sha256:[0-9a-f]{64}`),
    );
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
  });

  it("the registry down: exit 9, the registry named", async () => {
    const env = await releaseFor("127.0.0.1:5079");
    const result = await runCli(["push"], { cwd: root, env: { ...env, DOCKER_CONFIG: dockerConfig() } });
    expect(result.exitCode).toBe(9);
    expect(result.stderr).toMatch(/127\.0\.0\.1:5079 cannot be reached/);
  });

  it("a hung registry: exit 9 when the timeout runs out", async () => {
    const hung = await startHungRegistry(5078);
    try {
      const env = await releaseFor(hung.address);
      const started = Date.now();
      const result = await runCli(["push", "--timeout", "5"], {
        cwd: root,
        env: { ...env, DOCKER_CONFIG: dockerConfig() },
      });
      expect(result.exitCode).toBe(9);
      expect(result.stderr).toMatch(/127\.0\.0\.1:5078 (did not answer in time|cannot be reached)/);
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      hung.stop();
    }
  });
});
