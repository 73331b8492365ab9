// Faults of the engine and of the machine (issue 8), on a private dockerd the test starts
// (test/support/private-engine.ts: own namespaces, data root on a small loop disk): the daemon
// SIGKILLed mid-build, its disk full, the output disk full, a builder over its memory limit. The
// shared daemon is never killed or starved. Each checks the exit code and the message, the previous
// wheelhouse byte for byte, every file outside it (the project's parent and the CLI's /tmp) and
// what the run left on the engine.
import { execSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineOrSkip } from "../support/engine.js";
import { projectNames, setDependencies, setToolKey } from "../support/fault-projects.js";
import {
  docker,
  engineLeftovers,
  listing,
  makeWorld,
  NOTHING_LEFT,
  outside,
  placeProject,
  sharedTmpNaming,
  spawnWw,
  type World,
  waitFor,
  ww,
} from "../support/fault-world.js";
import { snapshot } from "../support/files.js";
import { makeLocalIndex } from "../support/fixtures.js";
import { makeHostileIndex } from "../support/hostile-packages.js";
import { fillDisk } from "../support/loop-disk.js";
import {
  loadImage,
  type PrivateEngine,
  privateEngineSkipReason,
  startPrivateEngine,
} from "../support/private-engine.js";
import { testRun } from "../support/test-run.js";

const MiB = 1024 * 1024;
const skipReason = privateEngineSkipReason();
const skip = engineOrSkip() || skipReason !== undefined;
let runs = 0;
const newRunId = () => `pe${process.pid.toString(36)}${(++runs).toString(36)}${Date.now().toString(36)}`;

describe.skipIf(skip)(
  `faults on a private engine${skipReason === undefined ? "" : ` (skipped: ${skipReason})`}`,
  () => {
    let engine: PrivateEngine;
    let hostile: string;
    const worlds: World[] = [];
    const mounts: string[] = [];

    beforeAll(async () => {
      makeLocalIndex();
      const index = makeWorld("pe-index");
      worlds.push(index);
      hostile = makeHostileIndex(path.join(index.dir, "links"));
      engine = await startPrivateEngine({ name: "faults", dataRootBytes: 2560 * MiB });
      await loadImage(engine, testRun().builderImage);
      await loadImage(engine, testRun().baseImage);
    });

    afterAll(async () => {
      await engine?.stop();
      for (const mount of mounts) await execa("umount", [mount], { reject: false });
      for (const world of worlds) world.dispose();
    });

    /** A world and a project (dependencies: tinydep) that builds on the private engine; built once. */
    async function builtScene(scenario: string, options: { parentOn?: (world: World) => string } = {}) {
      const world = makeWorld(scenario);
      worlds.push(world);
      const parent = options.parentOn?.(world) ?? world.parent;
      const root = placeProject(parent, { scenario, dependencies: ["tinydep"] });
      setToolKey(root, "find-links", [makeLocalIndex(), hostile]);
      const names = projectNames(scenario);
      const run = (args: string[], runId = newRunId()) =>
        ww(world, args, { cwd: root, runId, env: { DOCKER_HOST: engine.host } });
      const first = await run(["build"]);
      expect(first.exitCode, first.stderr).toBe(0);
      return { world, root, names, run };
    }

    const wheelhouseOf = (root: string) => path.join(root, "wheelhouse");

    it("dockerd SIGKILLed mid-build: exit 4 'the engine stopped answering', intact; after a restart, clean and a rerun succeed and no anonymous volume is left", async () => {
      const { world, root, names, run } = await builtScene("pe-engine-killed");
      setDependencies(root, ["tinydep", "zslow"]);
      const wheelhouse = snapshot(wheelhouseOf(root));
      const before = outside(world, root);
      const runId = newRunId();
      const child = spawnWw(world, ["build"], { cwd: root, runId, env: { DOCKER_HOST: engine.host } });
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += String(chunk);
      });
      // zslow's setup.py sleeps while pip prepares its metadata: the helper is resolving when dockerd dies.
      await waitFor(() => /» resolve the dependencies/.test(stderr), "the helper's resolve phase");
      await engine.kill();
      const result = await child;
      expect(result.exitCode, String(result.stderr)).toBe(4);
      expect(String(result.stderr)).toMatch(
        /The engine stopped answering while wheelwright built the wheelhouse/,
      );
      expect(snapshot(wheelhouseOf(root))).toEqual(wheelhouse);
      expect(outside(world, root)).toEqual(before);
      expect(sharedTmpNaming(runId)).toEqual([]);

      await engine.restart();
      const cleaned = await run(["clean"]);
      expect(cleaned.exitCode, cleaned.stderr).toBe(0);
      setDependencies(root, ["tinydep", "cext"]);
      const rerun = await run(["build"]);
      expect(rerun.exitCode, rerun.stderr).toBe(0);
      const dangling = (await docker(["volume", "ls", "-q", "-f", "dangling=true"], engine.host)).stdout
        .split("\n")
        .filter((volume) => volume !== "" && volume !== names.cacheVolume);
      expect(dangling).toEqual([]);
      expect((await docker(["ps", "-aq"], engine.host)).stdout).toBe("");
    });

    /**
     * Builds `scenario` (now needing `bulky`) while the engine's disk has `room` bytes left, and
     * checks what every engine-disk fault must leave: exit 11 naming the engine's disk, the
     * wheelhouse byte for byte, nothing changed outside it, nothing left on the engine.
     */
    async function buildOnFullEngineDisk(scenario: string, room: number) {
      const { world, root, names, run } = await builtScene(scenario);
      setDependencies(root, ["tinydep", "bulky"]);
      const wheelhouse = snapshot(wheelhouseOf(root));
      const before = outside(world, root);
      const since = Date.now() / 1000;
      const release = await engine.fillDisk(room);
      let result: Awaited<ReturnType<typeof run>>;
      const runId = newRunId();
      try {
        result = await run(["build"], runId);
      } finally {
        release();
      }
      expect(result.exitCode, result.stderr).toBe(11);
      expect(result.stderr).toMatch(/The engine's disk is full/);
      expect(snapshot(wheelhouseOf(root))).toEqual(wheelhouse);
      expect(outside(world, root)).toEqual(before);
      expect(sharedTmpNaming(runId)).toEqual([]);
      expect(await engineLeftovers({ ...names, since, host: engine.host })).toEqual(NOTHING_LEFT);
      return result;
    }

    it("the engine's disk full before the build: exit 11 naming the engine's disk, intact, nothing left", async () => {
      const result = await buildOnFullEngineDisk("pe-engine-disk", 2 * MiB);
      expect(result.stderr).toMatch(/its data root/);
    });

    it("the engine's disk full mid-build (room for the builder, not for a dependency's build): exit 11 naming the engine's disk, intact", async () => {
      const result = await buildOnFullEngineDisk("pe-engine-disk-mid", 10 * MiB);
      expect(result.stderr).toMatch(/» start the builder/);
    });

    it("the output disk full: exit 11 naming the folder, the previous wheelhouse intact", async () => {
      let disk = "";
      const { world, root, names, run } = await builtScene("pe-output-disk", {
        parentOn: (world) => {
          disk = path.join(world.dir, "small-disk");
          mkdirSync(disk);
          execSync(`mount -t tmpfs -o size=48m wheelwright-test-output ${JSON.stringify(disk)}`);
          mounts.push(disk);
          return disk;
        },
      });
      setDependencies(root, ["tinydep", "bulky"]);
      const wheelhouse = snapshot(wheelhouseOf(root));
      const parentBefore = listing(disk, (relative) => relative === `${path.basename(root)}/wheelhouse`);
      const tmpBefore = listing(world.tmp);
      const since = Date.now() / 1000;
      // Room for the lock and the small wheels, not for bulky's (a few MiB of incompressible data).
      const release = fillDisk(disk, 512 * 1024, "filler");
      let result: Awaited<ReturnType<typeof run>>;
      const runId = newRunId();
      try {
        result = await run(["build"], runId);
      } finally {
        release();
      }
      expect(result.exitCode, result.stderr).toBe(11);
      expect(result.stderr).toContain(`The disk holding ${root}`);
      expect(result.stderr).toMatch(/is full/);
      expect(result.stderr).not.toMatch(/internal error|SyntaxError|ENOSPC: no space/);
      expect(snapshot(wheelhouseOf(root))).toEqual(wheelhouse);
      expect(listing(disk, (relative) => relative === `${path.basename(root)}/wheelhouse`)).toEqual(
        parentBefore,
      );
      expect(listing(world.tmp)).toEqual(tmpBefore);
      expect(sharedTmpNaming(runId)).toEqual([]);
      expect(await engineLeftovers({ ...names, since, host: engine.host })).toEqual(NOTHING_LEFT);
      expect(existsSync(path.join(disk, "filler"))).toBe(false);
    });

    // 96m: pip's own build-dependency subprocess is killed while it readies memory-hog's build;
    // 200m: room for pip, and memory-hog's setup.py (300 MB, touched) is the process killed.
    it.each(["96m", "200m"])(
      "a builder over its memory limit (%s): exit 11, the package named, the `memory` key in the hint, intact",
      async (limit) => {
        const { world, root, names, run } = await builtScene(`pe-memory-${limit}`);
        setToolKey(root, "memory", limit);
        setDependencies(root, ["tinydep", "memory-hog"]);
        const wheelhouse = snapshot(wheelhouseOf(root));
        const before = outside(world, root);
        const since = Date.now() / 1000;
        const runId = newRunId();
        const result = await run(["build"], runId);
        expect(result.exitCode, result.stderr).toBe(11);
        expect(result.stderr).toMatch(/The builder ran out of memory while building memory[-_]hog/);
        expect(result.stderr).toContain(`(limit: ${limit})`);
        expect(result.stderr).toMatch(/hint: .*`memory`/);
        expect(snapshot(wheelhouseOf(root))).toEqual(wheelhouse);
        expect(outside(world, root)).toEqual(before);
        expect(sharedTmpNaming(runId)).toEqual([]);
        expect(await engineLeftovers({ ...names, since, host: engine.host })).toEqual(NOTHING_LEFT);
      },
    );
  },
);
