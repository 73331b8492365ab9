// Per-sdist entries of the registry wheel cache (issue 13, item 1) against Debian's docker-registry
// 2.8 on 127.0.0.1, with "machines" that share only the registry (each its own HOME, result store
// and engine config, and its cache volume removed by `clean --all`). Machine 1 builds a project
// whose dependencies are all sdists (one a C extension) and pushes; machine 2 builds the project
// with a changed application (so the wheel set's entry misses) and compiles no sdist: every sdist
// wheel is fetched from the cache, byte for byte machine 1's. With the registry stopped, machine 3
// compiles them itself and says why.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events, machine, manifestOf, messages, sha256 } from "../support/cache-machines.js";
import { type CliResult, cliEnv, runCli } from "../support/cli.js";
import { engineOrSkip } from "../support/engine.js";
import { projectNames, setToolKey } from "../support/fault-projects.js";
import { removeCacheVolume, removeProjectImages } from "../support/fault-world.js";
import { commitAll, makeProject } from "../support/fixtures.js";
import { type Registry, startRegistry } from "../support/registry.js";
import { testRun } from "../support/test-run.js";

const SCENARIO = "sdist-cache";

const progressTexts = (result: CliResult) =>
  events(result).flatMap((event) => (event.type === "progress" ? [event.text] : []));

/** The wheels built from sdists, by file name: the sha256 of the bytes in the wheelhouse. */
function sdistWheelBytes(root: string): Record<string, string> {
  const fromSdists = new Set(
    manifestOf(root)
      .wheels.filter((wheel) => wheel.sdist !== undefined)
      .map((wheel) => wheel.filename),
  );
  const dir = path.join(root, "wheelhouse");
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => fromSdists.has(name))
      .map((name) => [name, sha256(readFileSync(path.join(dir, name)))]),
  );
}

describe.skipIf(engineOrSkip())("per-sdist wheel cache entries (two machines, one registry)", () => {
  let registry: Registry;
  let root: string;
  let cacheRef: string;
  const names = projectNames(SCENARIO);

  const on = (env: Record<string, string>, args: string[]) => runCli(args, { cwd: root, env: cliEnv(env) });
  async function freshMachine(name: string): Promise<Record<string, string>> {
    const env = machine("sdist-machine", name);
    const clean = await on(env, ["clean", "--all"]);
    expect(clean.exitCode, clean.stderr).toBe(0);
    return env;
  }

  beforeAll(async () => {
    registry = await startRegistry();
    root = makeProject({ scenario: SCENARIO, dependencies: ["cext", "tinyextra"] });
    cacheRef = `${registry.address}/${testRun().namespace}/sdist-wheels`;
    setToolKey(root, "cache", cacheRef);
  });
  afterAll(async () => {
    await registry?.stop();
    await removeCacheVolume(names.cacheVolume);
    await removeProjectImages(names.project);
  });

  let first: Record<string, string> = {};

  it("machine 1 compiles and pushes each sdist's wheel; machine 2, with a changed app, compiles none", async () => {
    const one = await freshMachine("one");
    const built = await on(one, ["--json", "build", "--cache-push"]);
    expect(built.exitCode, built.stderr).toBe(0);
    first = sdistWheelBytes(root);
    // cext (a C extension), tinyextra and tinydep: every dependency is an sdist in the test index.
    expect(
      Object.keys(first)
        .map((name) => name.split("-")[0])
        .sort(),
    ).toEqual(["cext", "tinydep", "tinyextra"]);
    expect(progressTexts(built).filter((text) => text.startsWith("compiling "))).toHaveLength(3);
    expect(messages(built, "notice").join("\n")).toContain(
      `pushed 3 wheels built from sdists to the registry cache ${cacheRef} (`,
    );

    // A change to the application: the wheel set's key is another, its lookup misses.
    writeFileSync(path.join(root, "sdist_cache", "__init__.py"), '"""changed"""\nVALUE = 2\n');
    commitAll(root, "change the app");
    const two = await freshMachine("two");
    const second = await on(two, ["--json", "build"]);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(messages(second, "notice").join("\n")).not.toContain("restored from the registry cache");
    expect(progressTexts(second).filter((text) => text.startsWith("compiling "))).toEqual([]);
    const manifest = manifestOf(root);
    const fetched = manifest.wheels
      .filter((wheel) => wheel.sdist !== undefined)
      .map((wheel) => `${wheel.name} ${wheel.version} (sdist): fetched from the wheel cache`);
    expect(fetched).toHaveLength(3);
    for (const line of fetched) expect(messages(second, "notice")).toContain(line);
    expect(JSON.parse(second.stdout)).toMatchObject({ status: "built", fromWheelCache: 3 });
    expect(sdistWheelBytes(root)).toEqual(first);
    // The application's wheel is this commit's, built here.
    expect(manifest.app.filename).toMatch(/^sdist_cache-/);
  });

  it("the registry stopped: machine 3 warns, compiles every sdist itself, the same bytes", async () => {
    await registry.stop();
    const three = await freshMachine("three");
    const result = await on(three, ["--json", "build"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(messages(result, "warning").join("\n")).toContain(
      `the registry cache ${cacheRef} cannot be used (The wheel cache ${registry.address} cannot be reached`,
    );
    expect(messages(result, "notice").join("\n")).not.toContain("fetched from the wheel cache");
    expect(progressTexts(result).filter((text) => text.startsWith("compiling "))).toHaveLength(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: "built", fromWheelCache: 0 });
    expect(sdistWheelBytes(root)).toEqual(first);
  });
});
