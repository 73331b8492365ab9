// Remote engines (issue 13 item 2), end to end: a build through DOCKER_HOST=ssh:// (Debian's
// openssh-server on 127.0.0.1, keys made here) gives the same wheels, byte for byte, as a local
// build, with the project's file:// index and find-links folder copied into the builder (the
// progress says so, with their sizes); over remote-index-limit it is refused, naming the folders.
// Docker contexts: `--context NAME` and the current context (`docker context use`) are honoured,
// and `info` shows the endpoint and whether it is local or remote. The "remote" host is this one
// (the far side runs `docker system dial-stdio` against the shared engine), so only the endpoint
// decides: a build that mounted the folders would still work, and the progress tells them apart.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../../src/errors.js";
import type { WheelwrightEvent } from "../../src/events.js";
import { type CliResult, cliEnv, runCli } from "../support/cli.js";
import { containersOf, engineOrSkip } from "../support/engine.js";
import { projectNames, setToolKey } from "../support/fault-projects.js";
import { removeCacheVolume, removeProjectImages } from "../support/fault-world.js";
import { makeLocalIndex, makeProject } from "../support/fixtures.js";
import { makeSmallIndex } from "../support/small-index.js";
import { SSHD, type StartedSshd, startSshd } from "../support/sshd.js";
import { testRun } from "../support/test-run.js";

const SCENARIO = "remote-engine";

const events = (result: CliResult): WheelwrightEvent[] =>
  result.stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as WheelwrightEvent);
const notices = (result: CliResult) =>
  events(result).flatMap((event) => (event.type === "notice" ? [event.message] : []));

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
/** Every wheel's sha256, read from the files. */
function wheelBytes(root: string): Record<string, string> {
  const dir = path.join(root, "wheelhouse");
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith(".whl"))
      .map((name) => [name, sha256(readFileSync(path.join(dir, name)))]),
  );
}

const docker = (args: string[], env: Record<string, string | undefined> = {}) =>
  execa("docker", args, { env: cliEnv(env), extendEnv: false, reject: false });

describe.skipIf(engineOrSkip() || !existsSync(SSHD))("remote engines: ssh:// and docker contexts", () => {
  let sshd: StartedSshd;
  let root: string;
  let indexDir: string;
  let home: Record<string, string>;
  const names = projectNames(SCENARIO);
  const contexts: string[] = [];

  /** The CLI with this file's own HOME and engine config, reaching the sshd through its ssh wrapper. */
  const on = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(args, { cwd: root, env: { ...home, ...sshd.clientEnv, ...env } });
  const remote = () => ({ DOCKER_HOST: sshd.dockerHost });

  beforeAll(async () => {
    sshd = await startSshd(testRun().tempRoot);
    const homeDir = mkdtempSync(path.join(testRun().tempRoot, "remote-home-"));
    home = {
      HOME: homeDir,
      XDG_CACHE_HOME: path.join(homeDir, ".cache"),
      DOCKER_CONFIG: path.join(homeDir, ".docker"),
    };
    indexDir = makeSmallIndex(testRun().tempRoot);
    root = makeProject({ scenario: SCENARIO, dependencies: ["cext", "tinydep", "six"] });
    setToolKey(root, "index-url", `file://${indexDir}/simple`);
  });
  afterAll(async () => {
    for (const context of contexts) await docker(["context", "rm", "-f", context], home);
    await sshd?.stop();
    await removeCacheVolume(names.cacheVolume);
    await removeProjectImages(names.project);
  });

  let local: Record<string, string> = {};

  it("a local build mounts the index folders (nothing copied)", async () => {
    const built = await on(["--json", "build"]);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(notices(built).filter((line) => line.startsWith("copying the local index"))).toEqual([]);
    local = wheelBytes(root);
    expect(Object.keys(local).some((name) => name.startsWith("cext-"))).toBe(true);
    expect(Object.keys(local).some((name) => name.startsWith("six-"))).toBe(true);
  });

  it("info through ssh:// shows the remote endpoint", async () => {
    const info = await on(["info"], remote());
    expect(info.exitCode, info.stderr).toBe(0);
    expect(info.stdout).toContain(`endpoint ${sshd.dockerHost} (remote)`);
  });

  it("a build through ssh:// copies the index folders in, says so with their sizes, and makes the same wheels", async () => {
    // Nothing of the local build may serve the remote one: no pip cache volume, no result store, no wheelhouse.
    const clean = await on(["clean", "--all"]);
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(wheelBytes(root)).toEqual({});
    const image = await on(["image", "docker/builder"], remote());
    expect(image.exitCode, image.stderr).toBe(0);
    const built = await on(["--json", "build"], remote());
    expect(built.exitCode, built.stderr).toBe(0);
    // Built by a builder (not restored from anywhere): the wheels were compiled through ssh://.
    expect(events(built)).toContainEqual(expect.objectContaining({ type: "step-started", id: "builder" }));
    const copies = notices(built).filter((line) => line.startsWith("copying the local index"));
    const size = String.raw`\(\d+(\.\d)? (bytes|KiB|MiB)\)`;
    const tail = ` into the builder: the engine at ${sshd.dockerHost} is remote`;
    for (const dir of [indexDir, makeLocalIndex()]) {
      expect(
        copies.some(
          (line) => new RegExp(`^copying the local index ${dir} ${size}`).test(line) && line.endsWith(tail),
        ),
        copies.join("\n"),
      ).toBe(true);
    }
    expect(wheelBytes(root)).toEqual(local);
    expect(containersOf(names.project)).toEqual([]);
  });

  it("over remote-index-limit the build is refused before anything starts, naming each folder", async () => {
    const refused = await on(["--remote-index-limit", "1k", "build", "--force"], remote());
    expect(refused.exitCode, refused.stderr).toBe(EXIT_CODES.input);
    expect(refused.stderr).toContain(`The engine at ${sshd.dockerHost} is remote`);
    expect(refused.stderr).toContain(`${indexDir}: over 1.0 KiB`);
    expect(refused.stderr).toMatch(/--remote-index-limit/);
    // The previous wheelhouse is intact.
    expect(wheelBytes(root)).toEqual(local);
  });

  it("--context NAME and the current context are honoured, and info names them", async () => {
    const localContext = `wwtest-ctx-${testRun().namespace.replace(/[^a-z0-9-]/g, "-")}`;
    const sshContext = `${localContext}-ssh`;
    for (const [name, host] of [
      [localContext, "unix:///var/run/docker.sock"],
      [sshContext, sshd.dockerHost],
    ] as const) {
      const created = await docker(["context", "create", name, "--docker", `host=${host}`], home);
      expect(created.exitCode, created.stderr).toBe(0);
      contexts.push(name);
    }
    const viaLocal = await on(["--context", localContext, "info"]);
    expect(viaLocal.exitCode, viaLocal.stderr).toBe(0);
    expect(viaLocal.stdout).toContain(
      `endpoint unix:///var/run/docker.sock (local, context ${localContext})`,
    );
    // --context wins over DOCKER_HOST, as `docker --context` does.
    const viaSsh = await on(["--context", sshContext, "info"], { DOCKER_HOST: "unix:///nonexistent.sock" });
    expect(viaSsh.exitCode, viaSsh.stderr).toBe(0);
    expect(viaSsh.stdout).toContain(`endpoint ${sshd.dockerHost} (remote, context ${sshContext})`);

    const built = await on(["--context", localContext, "--json", "build", "--force"]);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(notices(built).filter((line) => line.startsWith("copying the local index"))).toEqual([]);
    expect(wheelBytes(root)).toEqual(local);

    // The current context (`docker context use`), with neither DOCKER_HOST nor DOCKER_CONTEXT set.
    const used = await docker(["context", "use", sshContext], home);
    expect(used.exitCode, used.stderr).toBe(0);
    const current = await on(["info"], { DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined });
    expect(current.exitCode, current.stderr).toBe(0);
    expect(current.stdout).toContain(`endpoint ${sshd.dockerHost} (remote, context ${sshContext})`);
    const back = await docker(["context", "use", "default"], home);
    expect(back.exitCode, back.stderr).toBe(0);
  });
});
