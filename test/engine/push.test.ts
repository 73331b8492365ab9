// `wheelwright push` against real registries on 127.0.0.1 (without and with htpasswd auth), a
// stopped one and a hung one. Each test uses a throwaway DOCKER_CONFIG. The release image is built
// once, on first use, and each test gives it the name its registry needs (`docker tag`): pushing
// only reads it, so tests share it without depending on each other's order.
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { execaSync } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, sh } from "../support/cli.js";
import { engineOrSkip } from "../support/engine.js";
import { copyPolls, git } from "../support/fixtures.js";
import { freePort, type Registry, startHungRegistry, startRegistry } from "../support/registry.js";
import { testRun } from "../support/test-run.js";

const PASSWORD = `pw-MARKER-${Date.now()}`;
const dockerConfig = () => mkdtempSync(path.join(testRun().tempRoot, "docker-config-"));

interface Released {
  root: string;
  /** The release image of the copy's commit, under the run's namespace. */
  image: string;
  sha: string;
}
let released: Promise<Released> | undefined;

function releasedPolls(): Promise<Released> {
  released ??= (async () => {
    const root = copyPolls();
    const build = await runCli(["build"], { cwd: root });
    expect(build.exitCode, build.stderr).toBe(0);
    const release = await runCli(["release"], { cwd: root });
    expect(release.exitCode, release.stderr).toBe(0);
    const sha = git(root, "rev-parse", "--short=12", "HEAD");
    return { root, image: `${testRun().namespace}/polls-release:${sha}`, sha };
  })();
  return released;
}

/** The polls copy, with its release image also named for the registry at `address`. */
async function releasedFor(address: string): Promise<{ root: string; env: Record<string, string> }> {
  const { root, image, sha } = await releasedPolls();
  const namespace = `${address}/${testRun().namespace}`;
  await sh(`docker tag ${image} ${namespace}/polls-release:${sha}`);
  return { root, env: { WHEELWRIGHT_NAMESPACE: namespace } };
}

describe.skipIf(engineOrSkip())("wheelwright push (real registries)", () => {
  let open: Registry;
  let guarded: Registry;

  beforeAll(async () => {
    open = await startRegistry();
    guarded = await startRegistry({ user: "alice", password: PASSWORD });
  });
  afterAll(async () => {
    await open?.stop();
    await guarded?.stop();
  });

  it("pushes :sha, :version and each TAG, and a pull back gives the same digest", async () => {
    const { root, env } = await releasedFor(open.address);
    const sha = git(root, "rev-parse", "--short=12", "HEAD");
    const result = await runCli(["push", "v1.2"], {
      cwd: root,
      env: { ...env, DOCKER_CONFIG: dockerConfig() },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const repository = `${open.address}/${testRun().namespace}/polls-release`;
    // Besides the references, one line says where the provenance went (test/engine/provenance.test.ts).
    const lines = result.stdout
      .trim()
      .split("\n")
      .filter((line) => !line.startsWith("provenance: "));
    expect(result.stdout).toContain(`provenance: ${repository}@`);
    expect(lines.map((line) => line.split("@")[0]).sort()).toEqual(
      [sha, "latest", "v1.2"].map((tag) => `${repository}:${tag}`).sort(),
    );
    const digest = lines[0]!.split("@")[1]!;
    const ref = `${repository}:v1.2`;
    await sh(`docker image rm ${ref}`);
    await sh(`docker pull -q ${ref}`);
    expect(
      String(execaSync("docker", ["image", "inspect", "-f", "{{json .RepoDigests}}", ref]).stdout),
    ).toContain(digest);
  });

  it("not logged in: exit 9, the registry named", async () => {
    const { root, env } = await releasedFor(guarded.address);
    const result = await runCli(["push"], { cwd: root, env: { ...env, DOCKER_CONFIG: dockerConfig() } });
    expect(result.exitCode).toBe(9);
    expect(result.stderr).toContain(`Not logged in to ${guarded.address}`);
  });

  it("a wrong password: exit 9, and no credential printed", async () => {
    const { root, env } = await releasedFor(guarded.address);
    const result = await runCli(["push", "--username", "alice", "--password-stdin"], {
      cwd: root,
      env: { ...env, DOCKER_CONFIG: dockerConfig() },
      input: `${PASSWORD}-wrong\n`,
    });
    expect(result.exitCode).toBe(9);
    expect(result.stderr).toMatch(/refused the credentials \(401 Unauthorized\)/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
  });

  it("the right password on stdin: pushed, verified, and the password appears nowhere", async () => {
    const { root, env } = await releasedFor(guarded.address);
    const result = await runCli(["--verbose", "push", "--username", "alice", "--password-stdin"], {
      cwd: root,
      env: { ...env, DOCKER_CONFIG: dockerConfig() },
      input: `${PASSWORD}\n`,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`${guarded.address}/${testRun().namespace}/polls-release:latest@sha256:[0-9a-f]{64}`),
    );
    // The provenance goes through the registry's API with the same temporary login.
    expect(result.stdout).toMatch(
      new RegExp(
        `provenance: ${guarded.address}/${testRun().namespace}/polls-release@sha256:[0-9a-f]{64} \\(in-toto SLSA v1\\)`,
      ),
    );
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
  });

  it("the registry down: exit 9, the registry named", async () => {
    const down = `127.0.0.1:${await freePort()}`;
    const { root, env } = await releasedFor(down);
    const result = await runCli(["push"], { cwd: root, env: { ...env, DOCKER_CONFIG: dockerConfig() } });
    expect(result.exitCode).toBe(9);
    expect(result.stderr).toContain(`${down} cannot be reached`);
  });

  it("a hung registry: exit 9 once the configured timeout runs out, saying so", async () => {
    const hung = await startHungRegistry();
    try {
      const { root, env } = await releasedFor(hung.address);
      const result = await runCli(["push", "--timeout", "5"], {
        cwd: root,
        env: { ...env, DOCKER_CONFIG: dockerConfig() },
      });
      expect(result.exitCode).toBe(9);
      expect(result.stderr).toContain(`${hung.address} did not answer in time`);
    } finally {
      await hung.stop();
    }
  });
});
