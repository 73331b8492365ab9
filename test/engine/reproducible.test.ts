// Reproducible wheels (issue 16), against the real engine. For every fixture that compiles (or packs)
// something: two COLD builds (the cache volume and the result store removed in between) of one commit,
// in two clones at other paths made under other umasks, run under other time zones and umasks, give
// the same sha256 for every wheel; `build --check-reproducible` passes on them and records it. A
// fixture that writes its build time into a module fails the check, naming the wheel and the member.
// And the issue's own check on a copy of examples/polls: `clean --all && build`, twice.
import { execSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import type { Manifest } from "../../src/domain/manifest.js";
import { EXIT_CODES } from "../../src/errors.js";
import { CLI, type CliResult, cliEnv } from "../support/cli.js";
import { containersOf, engineOrSkip } from "../support/engine.js";
import { projectNames } from "../support/fault-projects.js";
import { removeCacheVolume, removeProjectImages } from "../support/fault-world.js";
import { copyPolls, GIT_ENV, projectOf } from "../support/fixtures.js";
import {
  makeReproducibleProject,
  REPRODUCIBLE_FIXTURES,
  TIME_EMBEDDING,
} from "../support/reproducible-projects.js";
import { testRun } from "../support/test-run.js";

/** The conditions of one build: the host's umask and time zone, and its own (empty) cache folder. */
interface Conditions {
  umask: string;
  tz: string;
}
const FIRST: Conditions = { umask: "022", tz: "UTC" };
// UTC+14 and a umask that takes every bit from group and others: as far from the first as it gets.
const SECOND: Conditions = { umask: "077", tz: "Pacific/Kiritimati" };

const readManifest = (root: string) =>
  JSON.parse(readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8")) as Manifest;
const hashes = (manifest: Manifest) =>
  Object.fromEntries(manifest.wheels.map((wheel) => [wheel.filename, wheel.sha256]));
/** A fresh XDG_CACHE_HOME (the result store and the local engine's caches live there). */
const freshCache = () => mkdtempSync(path.join(testRun().tempRoot, "repro-cache-"));

/** The CLI under the given umask and time zone, with its own cache folder. */
async function wheelwright(
  root: string,
  args: string[],
  conditions: Conditions,
  cache: string,
): Promise<CliResult> {
  const result = await execa("sh", ["-c", `umask ${conditions.umask} && exec node "$0" "$@"`, CLI, ...args], {
    cwd: root,
    env: cliEnv({ TZ: conditions.tz, XDG_CACHE_HOME: cache }),
    extendEnv: false,
    reject: false,
    stdin: "ignore",
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** The same commit cloned to another path, under the given umask (so its files get other modes). */
function cloneElsewhere(root: string, umask: string): string {
  const parent = mkdtempSync(path.join(testRun().tempRoot, "elsewhere-"));
  const clone = path.join(parent, `clone-of-${path.basename(root)}`);
  execSync(`umask ${umask} && git clone -q "${root}" "${clone}"`, { env: GIT_ENV });
  return clone;
}

function labelledVolumes(project: string): string[] {
  return execSync(`docker volume ls -q --filter label=io.wheelwright.project=${project}`, {
    encoding: "utf8",
  })
    .split("\n")
    .filter((line) => line !== "");
}

function hasImages(project: string): boolean {
  return (
    execSync(`docker image ls -q --filter label=io.wheelwright.project=${project}`, {
      encoding: "utf8",
    }).trim() !== ""
  );
}

const diffoscopeInstalled = (() => {
  try {
    execSync("command -v diffoscope", { stdio: "ignore", shell: "/bin/sh" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(engineOrSkip())("reproducible wheels (issue 16, real engine)", () => {
  const projects = new Set<string>();
  afterAll(async () => {
    for (const scenario of projects) {
      const names = projectNames(scenario);
      await removeCacheVolume(names.cacheVolume);
      await removeProjectImages(names.project);
    }
  });

  for (const fixture of REPRODUCIBLE_FIXTURES) {
    it(`${fixture.scenario}: two cold builds at other paths, umasks and time zones give the same bytes, and --check-reproducible passes`, async () => {
      projects.add(fixture.scenario);
      const names = projectNames(fixture.scenario);
      const first = makeReproducibleProject(fixture.scenario);
      const built = await wheelwright(first, ["build"], FIRST, freshCache());
      expect(built.exitCode, built.stderr).toBe(0);
      const one = readManifest(first);
      expect(one.wheels.map((wheel) => wheel.name).sort()).toEqual([...fixture.wheels].sort());
      const app = one.wheels.find((wheel) => wheel.name === fixture.scenario)!;
      if (fixture.compiled) expect(app.filename).toMatch(/-cp3\d+-cp3\d+-linux_x86_64\.whl$/);
      else expect(app.filename).toMatch(/-py3-none-any\.whl$/);

      // Cold again: no cache volume, a new (empty) result store, another path, umask and clock.
      await removeCacheVolume(names.cacheVolume);
      expect(labelledVolumes(names.project)).toEqual([]);
      const second = cloneElsewhere(first, SECOND.umask);
      const secondCache = freshCache();
      const rebuilt = await wheelwright(second, ["build"], SECOND, secondCache);
      expect(rebuilt.exitCode, rebuilt.stderr).toBe(0);
      expect(rebuilt.stderr).not.toMatch(/result store/);
      const two = readManifest(second);
      expect(hashes(two)).toEqual(hashes(one));
      // The SBOM is part of the guarantee: the same bytes from the second cold build.
      const sbomOf = (root: string) => readFileSync(path.join(root, "wheelhouse", "sbom.cdx.json"), "utf8");
      expect(sbomOf(second)).toBe(sbomOf(first));
      expect(two.reproducible).toBeUndefined();

      const checked = await wheelwright(second, ["build", "--check-reproducible"], SECOND, secondCache);
      expect(checked.exitCode, checked.stderr).toBe(0);
      expect(checked.stdout).toMatch(/reproducible: a second build gave the same bytes/);
      const three = readManifest(second);
      expect(three.reproducible?.checked).toBe(true);
      expect(three.reproducible?.conditions.length).toBeGreaterThan(0);
      expect(hashes(three)).toEqual(hashes(one));
      // The second build's wheels are compared, never published: the wheelhouse holds the set alone.
      expect(readdirSync(path.join(second, "wheelhouse")).sort()).toEqual(
        [
          ...three.wheels.map((wheel) => wheel.filename),
          "manifest.json",
          "requirements.txt",
          "sbom.cdx.json",
        ].sort(),
      );

      expect(containersOf(names.project)).toEqual([]);
      // The second builder's own cache volume went with it: only the project's cache volume is left.
      expect(labelledVolumes(names.project)).toEqual([names.cacheVolume]);
    });
  }

  it("time-embedding: --check-reproducible fails with its own exit code, naming the wheel and the member", async () => {
    const { scenario, member } = TIME_EMBEDDING;
    projects.add(scenario);
    const names = projectNames(scenario);
    const root = makeReproducibleProject(scenario);
    const result = await wheelwright(root, ["build", "--check-reproducible"], FIRST, freshCache());
    expect(result.exitCode, result.stderr).toBe(EXIT_CODES.unreproducible);
    const wheel = `${scenario.replace(/-/g, "_")}-0.1.0-py3-none-any.whl`;
    expect(result.stderr).toContain(`${wheel}: members differ: ${member}`);
    if (diffoscopeInstalled) expect(result.stderr).toMatch(/BUILT_NS/);
    else expect(result.stderr).toContain("install Debian's diffoscope");
    // Nothing is published from an unreproducible set.
    expect(existsSync(path.join(root, "wheelhouse", "manifest.json"))).toBe(false);
    expect(containersOf(names.project)).toEqual([]);
    expect(labelledVolumes(names.project)).toEqual([names.cacheVolume]);
  });

  it("examples/polls: `clean --all && build`, twice, gives the same sha256 for every wheel, pollstats included; --check-reproducible passes", async () => {
    const project = projectOf("polls");
    const pollsImagesBefore = hasImages(project);
    const root = copyPolls();
    const cache = freshCache();
    let cleanedUp: CliResult | undefined;
    try {
      const cleanBuild = async (conditions: Conditions) => {
        const cleaned = await wheelwright(root, ["clean", "--all"], conditions, cache);
        expect(cleaned.exitCode, cleaned.stderr).toBe(0);
        expect(labelledVolumes(project)).toEqual([]);
        expect(existsSync(path.join(root, "wheelhouse"))).toBe(false);
        const built = await wheelwright(root, ["build"], conditions, cache);
        expect(built.exitCode, built.stderr).toBe(0);
        expect(built.stderr).not.toMatch(/result store/);
        return readManifest(root);
      };
      const one = await cleanBuild(FIRST);
      const pollstats = one.wheels.find((wheel) => wheel.name === "pollstats");
      expect(pollstats).toMatchObject({ origin: "built" });
      expect(pollstats?.filename).toMatch(/-linux_x86_64\.whl$/);
      const two = await cleanBuild(SECOND);
      expect(hashes(two)).toEqual(hashes(one));

      const checked = await wheelwright(root, ["build", "--check-reproducible"], SECOND, cache);
      expect(checked.exitCode, checked.stderr).toBe(0);
      expect(readManifest(root).reproducible?.checked).toBe(true);
      expect(hashes(readManifest(root))).toEqual(hashes(one));
    } finally {
      cleanedUp = await wheelwright(root, ["clean", "--all"], FIRST, cache);
      rmSync(cache, { recursive: true, force: true });
      // The run's other files may have built polls' images first: remove them only if this test made them.
      if (!pollsImagesBefore) await removeProjectImages(project);
    }
    expect(cleanedUp?.exitCode, cleanedUp?.stderr).toBe(0);
    expect(readdirSync(root), `${cleanedUp?.stdout}\n${cleanedUp?.stderr}`).not.toContain("wheelhouse");
    expect(containersOf(project)).toEqual([]);
    expect(labelledVolumes(project)).toEqual([]);
  });
});
