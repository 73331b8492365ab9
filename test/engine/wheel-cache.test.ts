// The registry wheel cache (issue 13, item 1, first milestone) against Debian's docker-registry 2.8
// on 127.0.0.1, with "machines" that share only the registry: each has its own HOME, cache folder
// (result store) and engine config, and starts with `clean --all` (its cache volume removed). A
// builds a project with a compiled dependency and pushes the set; B restores it without a builder,
// byte for byte; a blob damaged in the registry's storage is refused and C builds locally; the
// entry is listed and pruned; with the registry stopped D warns and builds, or fails with
// --cache-required; a registry with htpasswd takes the engine's login; a hung one is given up.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../../src/errors.js";
import { events, machine, manifestOf, messages, sha256 } from "../support/cache-machines.js";
import { type CliResult, cliEnv, runCli } from "../support/cli.js";
import { engineOrSkip } from "../support/engine.js";
import { projectNames, setToolKey } from "../support/fault-projects.js";
import { removeCacheVolume, removeProjectImages } from "../support/fault-world.js";
import { makeProject } from "../support/fixtures.js";
import { type Registry, startHungRegistry, startRegistry } from "../support/registry.js";
import { testRun } from "../support/test-run.js";

const SCENARIO = "wheel-cache";

const stepIds = (result: CliResult) =>
  events(result).flatMap((event) => (event.type === "step-started" ? [event.id] : []));

/** Every wheel's bytes' sha256, read from the files (not the manifest). */
function wheelBytes(root: string): Record<string, string> {
  const dir = path.join(root, "wheelhouse");
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith(".whl"))
      .map((name) => [name, sha256(readFileSync(path.join(dir, name)))]),
  );
}

describe.skipIf(engineOrSkip())("the registry wheel cache (two machines, one registry)", () => {
  let registry: Registry;
  let root: string;
  let cacheRef: string;
  const names = projectNames(SCENARIO);

  async function on(env: Record<string, string>, args: string[]): Promise<CliResult> {
    return runCli(args, { cwd: root, env: cliEnv(env) });
  }

  /** A fresh machine: its own folders, and the project's cache volume and wheelhouse removed. */
  async function freshMachine(name: string): Promise<Record<string, string>> {
    const env = machine("machine", name);
    const clean = await on(env, ["clean", "--all"]);
    expect(clean.exitCode, clean.stderr).toBe(0);
    return env;
  }

  beforeAll(async () => {
    registry = await startRegistry(undefined, { deleteEnabled: true });
    root = makeProject({ scenario: SCENARIO, dependencies: ["cext"] });
    cacheRef = `${registry.address}/${testRun().namespace}/wheels`;
    setToolKey(root, "cache", cacheRef);
  });
  afterAll(async () => {
    await registry?.stop();
    await removeCacheVolume(names.cacheVolume);
    await removeProjectImages(names.project);
  });

  let built: Record<string, string> = {};

  it("A builds and pushes; B restores the set from the registry, no builder started, the same bytes", async () => {
    const a = await freshMachine("a");
    const first = await on(a, ["--json", "build", "--cache-push"]);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(stepIds(first)).toContain("builder");
    expect(messages(first, "notice").join("\n")).toMatch(
      new RegExp(`pushed the wheel set to the registry cache ${cacheRef} as set-[0-9a-f]{64}`),
    );
    built = wheelBytes(root);
    expect(Object.keys(built).some((name) => name.startsWith("cext-"))).toBe(true);

    const b = await freshMachine("b");
    expect(wheelBytes(root)).toEqual({});
    const second = await on(b, ["--json", "build"]);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(messages(second, "notice")).toContain(
      `restored from the registry cache ${cacheRef} (${Object.keys(built).length} wheels, no builder ran)`,
    );
    expect(stepIds(second)).not.toContain("builder");
    expect(wheelBytes(root)).toEqual(built);
    expect(JSON.parse(second.stdout)).toMatchObject({ status: "restored" });
    // B's own result store holds the set now: the next build on B is up to date without the registry.
    const again = await on(b, ["--json", "--no-cache", "build"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "up-to-date" });
  });

  it("build --dry-run names the lookup", async () => {
    // B's wheelhouse is up to date (nothing to look up): a wheelhouse elsewhere is not.
    const plan = await on(machine("machine", "dry2"), [
      "--wheelhouse",
      "elsewhere",
      "build",
      "--dry-run",
      "--no-cache-push",
    ]);
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(new RegExp(`look up set-[0-9a-f]{64} in ${cacheRef}`));
  });

  it("cache ls lists the set and cext's sdist wheel; prune --dry-run deletes nothing; prune --keep 0 deletes both", async () => {
    const env = machine("machine", "admin");
    type Listed = { kind: string; tag: string; name: string; version: string; wheels: number; size: number };
    const list = async () =>
      (JSON.parse((await on(env, ["--json", "cache", "ls"])).stdout) as { entries: Listed[] }).entries;
    const listed = await on(env, ["--json", "cache", "ls"]);
    expect(listed.exitCode, listed.stderr).toBe(0);
    const entries = (JSON.parse(listed.stdout) as { entries: Listed[] }).entries;
    // The set, and the one dependency compiled from an sdist (cext) as its own entry.
    expect(entries.map((entry) => entry.kind).sort()).toEqual(["sdist wheel", "set"]);
    const set = entries.find((entry) => entry.kind === "set")!;
    expect(set.wheels).toBe(Object.keys(built).length);
    const cext = Object.keys(built).find((name) => name.startsWith("cext-"))!;
    const sdistWheel = entries.find((entry) => entry.kind === "sdist wheel")!;
    expect(sdistWheel).toMatchObject({ name: "cext", version: cext.split("-")[1], wheels: 1 });
    expect(sdistWheel.tag).toMatch(/^sdist-[0-9a-f]{24}-[0-9a-f]{64}$/);
    expect(sdistWheel.size).toBe(readFileSync(path.join(root, "wheelhouse", cext)).length);
    const table = await on(env, ["cache", "ls"]);
    expect(table.stdout).toMatch(
      new RegExp(`sdist wheel\\s+cext ${sdistWheel.version}\\s.*${sdistWheel.tag}`),
    );
    const dry = await on(env, ["cache", "prune", "--keep", "0", "--dry-run"]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    for (const entry of entries) expect(dry.stdout).toContain(entry.tag);
    expect(dry.stdout).toContain("would delete 2, kept 0");
    expect(await list()).toHaveLength(2);
    const pruned = await on(env, ["cache", "prune", "--keep", "0"]);
    expect(pruned.exitCode, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain("deleted 2, kept 0");
    for (const entry of entries) expect(pruned.stdout).toContain(entry.tag);
    expect(await list()).toEqual([]);
    // Pushed again for the next test (the machine that builds it pushes it).
    const refill = await freshMachine("refill");
    const push = await on(refill, ["--json", "build", "--cache-push"]);
    expect(push.exitCode, push.stderr).toBe(0);
    expect(wheelBytes(root)).toEqual(built);
  });

  it("a blob damaged in the registry is refused with a warning; C builds locally, the wheelhouse right", async () => {
    const cext = Object.keys(built).find((name) => name.startsWith("cext-"))!;
    const digest = built[cext]!;
    const blob = path.join(
      registry.storage!,
      "docker/registry/v2/blobs/sha256",
      digest.slice(0, 2),
      digest,
      "data",
    );
    const bytes = readFileSync(blob);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
    writeFileSync(blob, bytes);
    const c = await freshMachine("c");
    const result = await on(c, ["--json", "build"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(messages(result, "warning").join("\n")).toMatch(
      new RegExp(
        `the registry cache ${cacheRef} holds a bad entry under set-[0-9a-f]{64} \\(${cext.replace(/\./g, "\\.")}: the blob's sha256 is not its digest\\): refused, building locally`,
      ),
    );
    expect(stepIds(result)).toContain("builder");
    expect(wheelBytes(root)).toEqual(built);
    const manifest = manifestOf(root);
    expect(Object.fromEntries(manifest.wheels.map((w) => [w.filename, w.sha256]))).toEqual(built);
  });

  it("the registry stopped: D warns and builds locally; with --cache-required it fails with exit 9", async () => {
    await registry.stop();
    const d = await freshMachine("d");
    const required = await on(d, ["build", "--cache-required"]);
    expect(required.exitCode, required.stderr).toBe(EXIT_CODES.registry);
    expect(required.stderr).toContain(`The wheel cache ${registry.address} cannot be reached`);
    expect(wheelBytes(root)).toEqual({});
    const result = await on(d, ["--json", "build"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(messages(result, "warning").join("\n")).toContain(
      `the registry cache ${cacheRef} cannot be used (The wheel cache ${registry.address} cannot be reached`,
    );
    expect(stepIds(result)).toContain("builder");
    expect(wheelBytes(root)).toEqual(built);
  });

  it("with htpasswd: the engine's login (auths in DOCKER_CONFIG) pushes and lists; none is exit 9; the password nowhere", async () => {
    const password = `pw-MARKER-${Date.now()}`;
    const guarded = await startRegistry({ user: "alice", password });
    try {
      const ref = `${guarded.address}/${testRun().namespace}/wheels`;
      const e = await freshMachine("e");
      mkdirSync(e.DOCKER_CONFIG!, { recursive: true });
      const auth = Buffer.from(`alice:${password}`).toString("base64");
      writeFileSync(
        path.join(e.DOCKER_CONFIG!, "config.json"),
        JSON.stringify({ auths: { [guarded.address]: { auth } } }),
      );
      const build = await on(e, ["--json", "--cache", ref, "build", "--cache-push"]);
      expect(build.exitCode, build.stderr).toBe(0);
      expect(messages(build, "notice").join("\n")).toContain(
        `pushed the wheel set to the registry cache ${ref}`,
      );
      const listed = await on(e, ["--json", "--cache", ref, "cache", "ls"]);
      expect(listed.exitCode, listed.stderr).toBe(0);
      // The set and cext's sdist wheel.
      expect(JSON.parse(listed.stdout).entries).toHaveLength(2);
      const anonymous = await on(machine("machine", "anonymous"), ["--cache", ref, "cache", "ls"]);
      expect(anonymous.exitCode).toBe(EXIT_CODES.registry);
      expect(anonymous.stderr).toContain(`Not logged in to the wheel cache ${guarded.address}`);
      for (const result of [build, listed, anonymous])
        expect(`${result.stdout}${result.stderr}`).not.toContain(password);
    } finally {
      await guarded.stop();
    }
  });

  it("a registry that never answers: given up after cache-timeout, exit 9 naming the setting", async () => {
    const hung = await startHungRegistry();
    try {
      const ref = `${hung.address}/${testRun().namespace}/wheels`;
      const listed = await on(machine("machine", "hung"), [
        "--cache",
        ref,
        "--cache-timeout",
        "2",
        "cache",
        "ls",
      ]);
      expect(listed.exitCode).toBe(EXIT_CODES.registry);
      expect(listed.stderr).toContain(`The wheel cache ${hung.address} did not answer in 2 s`);
      expect(listed.stderr).toContain("cache-timeout");
    } finally {
      await hung.stop();
    }
  });
});
