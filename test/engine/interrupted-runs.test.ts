// SIGKILL of wheelwright itself (issue 8), spawned detached and killed alone, at a phase found by
// watching the engine and the run's files: during `build` (its builder goes away by itself; the
// next build takes the dead run's lock over at once), during `release` (while the image builds,
// and once the candidate is tagged: `clean` removes the candidate tag and the scratch folder, and
// says so) and during `push --password-stdin` (the credential lives only in the run's temporary
// engine config, swept by the next run; the user's DOCKER_CONFIG never sees it).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineOrSkip } from "../support/engine.js";
import { addReleaseFolder, projectNames, setDependencies, setToolKey } from "../support/fault-projects.js";
import {
  docker,
  engineLeftovers,
  listing,
  makeWorld,
  NOTHING_LEFT,
  outside,
  placeProject,
  processesOfRun,
  removeCacheVolume,
  removeProjectImages,
  spawnWw,
  type World,
  waitFor,
  ww,
} from "../support/fault-world.js";
import { snapshot } from "../support/files.js";
import { makeLocalIndex } from "../support/fixtures.js";
import { startRegistry } from "../support/registry.js";

let runs = 0;
const newRunId = () => `ir${process.pid.toString(36)}${(++runs).toString(36)}${Date.now().toString(36)}`;
const scratchOf = (world: World, runId: string) => path.join(world.tmp, `wheelwright-${runId}`);
const runFolders = (world: World) => readdirSync(world.tmp).filter((name) => name.startsWith("wheelwright-"));
const besideWheelhouse = (root: string) => readdirSync(root).filter((name) => name.includes("wheelhouse"));

/** SIGKILLs the detached CLI alone, then waits for the engine clients it left to finish by themselves. */
async function killRun(child: ReturnType<typeof spawnWw>, runId: string): Promise<void> {
  process.kill(child.pid!, "SIGKILL");
  const result = await child;
  expect(result.signal).toBe("SIGKILL");
  await waitFor(() => processesOfRun(runId).length === 0, `the processes of run ${runId} to end`);
}

describe.skipIf(engineOrSkip())("SIGKILL of wheelwright (real engine)", () => {
  const worlds: World[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(() => {
    makeLocalIndex();
  });

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
    for (const world of worlds) world.dispose();
  });

  function scene(scenario: string, namespace?: string) {
    const world = makeWorld(scenario);
    worlds.push(world);
    const root = placeProject(world.parent, { scenario, dependencies: ["tinydep"] });
    if (namespace !== undefined) setToolKey(root, "namespace", namespace);
    const names = projectNames(scenario, namespace);
    cleanups.push(async () => {
      await removeCacheVolume(names.cacheVolume);
      await removeProjectImages(names.project);
    });
    const run = (
      args: string[],
      options: { runId?: string; env?: Record<string, string>; input?: string } = {},
    ) =>
      ww(world, args, {
        cwd: root,
        runId: options.runId ?? newRunId(),
        env: options.env,
        input: options.input,
      });
    return { world, root, names, run };
  }

  it("during build: the builder goes away by itself, the next build takes the dead run's lock over at once and succeeds, clean leaves nothing", async () => {
    const { world, root, names, run } = scene("ir-build-kill");
    expect((await run(["build"])).exitCode).toBe(0);
    const wheelhouse = snapshot(path.join(root, "wheelhouse"));
    setDependencies(root, ["tinydep", "zslow"]);
    const since = Date.now() / 1000;
    const runId = newRunId();
    const child = spawnWw(world, ["build"], { cwd: root, runId });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += String(chunk);
    });
    const label = `label=io.wheelwright.run=${runId}`;
    // zslow's setup.py sleeps while the helper resolves: the builder is busy when the kill comes.
    await waitFor(
      async () => (await docker(["ps", "-q", "--filter", label])).stdout !== "",
      "the run's builder container",
    );
    await waitFor(() => /» resolve the dependencies/.test(stderr), "the helper's resolve phase");
    await killRun(child, runId);
    await waitFor(
      async () => (await docker(["ps", "-aq", "--filter", label])).stdout === "",
      "the builder to go away by itself",
      120_000,
    );
    // What the dead run left: its lock (naming its pid) and its staging folder; the wheelhouse as it was.
    const lock = JSON.parse(readFileSync(path.join(root, ".wheelhouse.lock"), "utf8")) as { pid: number };
    expect(lock.pid).toBe(child.pid);
    expect(besideWheelhouse(root).sort()).toEqual([
      ".wheelhouse.lock",
      `.wheelhouse.staging-${runId}`,
      "wheelhouse",
    ]);
    expect(snapshot(path.join(root, "wheelhouse"))).toEqual(wheelhouse);

    setDependencies(root, ["tinydep", "cext"]);
    // Everything outside the wheelhouse now, but for the dead run's lock and staging folder.
    const expected = Object.fromEntries(
      Object.entries(outside(world, root)).filter(([entry]) => !entry.includes("/.wheelhouse.")),
    );
    const next = await run(["build"]);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(next.stderr).not.toMatch(/locked/);
    expect(besideWheelhouse(root)).toEqual(["wheelhouse"]);

    const cleaned = await run(["clean"]);
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    expect(besideWheelhouse(root)).toEqual([]);
    expect(outside(world, root)).toEqual(expected);
    expect(await engineLeftovers({ ...names, since })).toEqual(NOTHING_LEFT);
    const all = await run(["clean", "--all"]);
    expect(all.exitCode, all.stderr).toBe(0);
    expect((await docker(["volume", "inspect", names.cacheVolume])).exitCode).not.toBe(0);
    const stored = Object.keys(listing(world.cache)).filter((key) => key.startsWith("wheelwright/store/"));
    expect(stored.filter((key) => key !== "wheelwright/store/")).toEqual([]);
  });

  it("during release: killed while the image builds (the scratch folder stays) and once the candidate is tagged (the tag stays); clean removes both and says so; the next release succeeds", async () => {
    const { world, root, names, run } = scene("ir-release-kill");
    addReleaseFolder(root, "ir_release_kill");
    expect((await run(["build"])).exitCode).toBe(0);
    const since = Date.now() / 1000;
    const before = outside(world, root);

    // 1. While the image builds: the context (a copy of every runtime wheel) is in the scratch folder.
    const first = newRunId();
    const building = spawnWw(world, ["release"], { cwd: root, runId: first });
    const context = path.join(scratchOf(world, first), "release", "wheels");
    await waitFor(
      () => existsSync(path.join(context, "app", "requirements.txt")),
      "the release context",
      300_000,
      20,
    );
    await killRun(building, first);
    expect(existsSync(scratchOf(world, first))).toBe(true);
    expect(readdirSync(path.join(context, "deps")).filter((name) => name.endsWith(".whl")).length).toBe(1);

    // 2. Once the candidate is tagged: found the moment the engine reports the tag.
    const second = newRunId();
    const candidate = `${names.releaseRepository}:wheelwright-candidate-${second}`;
    const tags = execa("docker", [
      "events",
      "--filter",
      "type=image",
      "--filter",
      "event=tag",
      "--format",
      "{{json .Actor.Attributes}}",
    ]);
    const tagged = new Promise<void>((resolve) => {
      createInterface({ input: tags.stdout! }).on("line", (line) => {
        if ((JSON.parse(line) as { name?: string }).name === candidate) resolve();
      });
    });
    const checking = spawnWw(world, ["release"], { cwd: root, runId: second });
    await Promise.race([tagged, checking.then(() => undefined)]);
    await killRun(checking, second);
    tags.kill();
    await tags.catch(() => undefined);
    expect((await docker(["image", "inspect", candidate])).exitCode).toBe(0);

    const cleaned = await run(["clean"]);
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    expect(cleaned.stdout + cleaned.stderr).toMatch(/\d+ release candidate tag\(s\)/);
    expect(cleaned.stdout + cleaned.stderr).toMatch(/\d+ temporary folder\(s\) of killed runs/);
    expect(runFolders(world)).toEqual([]);
    expect((await engineLeftovers({ ...names, since })).candidateTags).toEqual([]);

    expect((await run(["build"])).exitCode).toBe(0);
    const released = await run(["release"]);
    expect(released.exitCode, released.stderr).toBe(0);
    expect(outside(world, root)).toEqual(before);
    expect(await engineLeftovers({ ...names, since })).toEqual(NOTHING_LEFT);
  });

  it("during push --password-stdin: the credential is only in the run's temporary engine config, swept by the next run; the user's DOCKER_CONFIG never gets it", async () => {
    const password = `pw-${Date.now().toString(36)}-${process.pid}`;
    const registry = await startRegistry({ user: "alice", password });
    cleanups.push(async () => registry.stop());
    const { world, root, names, run } = scene("ir-push-kill", `${registry.address}/irtest`);
    addReleaseFolder(root, "ir_push_kill");
    expect((await run(["build"])).exitCode).toBe(0);
    expect((await run(["release"])).exitCode).toBe(0);
    const userConfig = path.join(world.dir, "user-docker-config");
    const env = { DOCKER_CONFIG: userConfig };
    const userBefore = listing(userConfig);
    const since = Date.now() / 1000;
    const before = outside(world, root);

    const killed = newRunId();
    const engineConfig = path.join(scratchOf(world, killed), "engine-config", "config.json");
    const pushing = spawnWw(world, ["push", "--username", "alice", "--password-stdin"], {
      cwd: root,
      runId: killed,
      env,
      input: `${password}\n`,
    });
    await waitFor(
      () => existsSync(engineConfig) && readFileSync(engineConfig, "utf8").includes('"auth"'),
      "the login into the run's engine config",
      300_000,
      20,
    );
    await killRun(pushing, killed);
    const credential = Buffer.from(`alice:${password}`).toString("base64");
    expect(readFileSync(engineConfig, "utf8")).toContain(credential);

    const next = await run(["push", "--username", "alice", "--password-stdin"], {
      env,
      input: `${password}\n`,
    });
    expect(next.exitCode, next.stderr).toBe(0);
    expect(next.stdout).toContain(`${names.releaseRepository}:`);
    expect(existsSync(scratchOf(world, killed))).toBe(false);
    expect(outside(world, root)).toEqual(before);
    expect(listing(userConfig)).toEqual(userBefore);
    for (const text of [next.stdout, next.stderr]) expect(text).not.toContain(password);
    expect(await engineLeftovers({ ...names, since })).toMatchObject({ containers: [], candidateTags: [] });
  });
});
