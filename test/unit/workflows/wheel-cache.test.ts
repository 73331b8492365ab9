// The registry wheel cache in the build's decision (issue 13), with a fake engine and an in-memory
// registry: the result store first, then the cache, before any builder; a hit restores every wheel
// checked and starts no container; a bad entry is refused and rebuilt; an unreachable cache is a
// warning, or with --cache-required the error; --no-cache asks nothing; ls and prune.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../../src/config/load.js";
import type { HelperRequest } from "../../../src/domain/helper-request.js";
import type { Manifest } from "../../../src/domain/manifest.js";
import { RegistryError } from "../../../src/errors.js";
import { buildWheelhouse } from "../../../src/workflows/build-wheelhouse.js";
import { listCacheEntries, pruneCacheEntries } from "../../../src/workflows/cache-entries.js";
import { planWheelhouseBuild } from "../../../src/workflows/plan-build.js";
import { FakeEngine } from "../../support/fake-engine.js";
import { FakeRegistry } from "../../support/fake-registry.js";
import { FAKE_INTERPRETER, FAKE_SHA, testContext, writeProject } from "../../support/workflow-context.js";
import { wheelMembers, zipBytes } from "../builders/wheel-zip.js";

const wheel = (name: string, version: string, extra = "") =>
  zipBytes(
    wheelMembers({
      name,
      version,
      files: [{ name: `${name}/__init__.py`, data: "X = 1\n" }],
      metadata: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n${extra}`,
    }),
  );

/** The builder's helper: writes demo (the app) and tinydep, and its report, into the handoff folder. */
function helper(engine: FakeEngine): { runs: number } {
  const seen = { runs: 0 };
  engine.execScript = async (argv, _options, container) => {
    if (!argv.includes("wheelwright_helper")) return { exitCode: 0 };
    seen.runs++;
    const request = JSON.parse(
      String(container.files.get("/wheelwright/input/request.json")),
    ) as HelperRequest;
    container.files.set(
      `${request.out}/app/demo-0.1.0-py3-none-any.whl`,
      await wheel("demo", "0.1.0", "Requires-Dist: tinydep\n"),
    );
    container.files.set(`${request.out}/deps/tinydep-1.0-py3-none-any.whl`, await wheel("tinydep", "1.0"));
    const wheels = [
      { filename: "demo-0.1.0-py3-none-any.whl", folder: "app", origin: "built", sets: ["runtime"] },
      { filename: "tinydep-1.0-py3-none-any.whl", folder: "deps", origin: "fetched", sets: ["runtime"] },
    ];
    container.files.set(
      `${request.out}/report.json`,
      JSON.stringify({ version: 1, app: "demo", interpreter: FAKE_INTERPRETER, wheels }),
    );
    return { exitCode: 0 };
  };
  return seen;
}

const CACHE = '\ncache = "127.0.0.1:5000/acme/wheels"\n';
const request = { extras: [], groups: [], requirements: [], force: false };

/** One project folder; each "machine" its own engine, HOME and cache folder, all sharing `registry`. */
function world(tool = CACHE) {
  const registry = new FakeRegistry();
  const first = testContext();
  const root = writeProject(path.join(first.tmp, "project"), { tool });
  mkdirSync(path.join(root, ".git", "refs", "heads"), { recursive: true });
  writeFileSync(path.join(root, ".git", "HEAD"), "ref: refs/heads/main\n");
  writeFileSync(path.join(root, ".git", "refs", "heads", "main"), `${FAKE_SHA}\n`);
  const machine = (flags: Record<string, unknown> = {}) => {
    const engine = new FakeEngine();
    engine.addImage("debian:bookworm-slim");
    const test = testContext({ engine });
    const ctx = { ...test.ctx, openCacheRegistry: () => registry };
    const project = loadProject({ cwd: root, env: ctx.env, flags });
    return { ...test, ctx, engine, project, builds: helper(engine) };
  };
  return { registry, root, machine };
}

const manifestOf = (root: string) =>
  JSON.parse(readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8")) as Manifest;
const wheelFiles = (root: string) =>
  Object.fromEntries(
    readdirSync(path.join(root, "wheelhouse"))
      .filter((name) => name.endsWith(".whl"))
      .map((name) => [name, readFileSync(path.join(root, "wheelhouse", name)).toString("base64")]),
  );
const messages = (events: { type: string; message?: string }[], type: string) =>
  events.filter((event) => event.type === type).map((event) => event.message ?? "");

describe("the registry wheel cache in a build", () => {
  it("A pushes after its build; B (its own store) restores from the cache, no container, the same bytes", async () => {
    const { registry, root, machine } = world();
    const a = machine();
    const built = await buildWheelhouse(a.ctx, a.project, { ...request, cachePush: true });
    expect(built.status).toBe("built");
    expect(registry.tags.size).toBe(1);
    const [tag] = [...registry.tags.keys()];
    expect(tag).toMatch(/^set-[0-9a-f]{64}$/);
    // Blobs before the manifest: no reader ever finds a tag whose blobs are missing.
    const puts = registry.calls.filter((call) => call.startsWith("PUT"));
    expect(puts.at(-1)).toBe(`PUT manifest ${tag}`);
    expect(puts.filter((call) => call.startsWith("PUT blob"))).toHaveLength(3);
    const bytes = wheelFiles(root);

    rmSync(path.join(root, "wheelhouse"), { recursive: true });
    const b = machine();
    const restored = await buildWheelhouse(b.ctx, b.project, request);
    expect(restored.status).toBe("restored");
    expect(restored.mode.reason).toBe(
      "restored from the registry cache 127.0.0.1:5000/acme/wheels (2 wheels, no builder ran)",
    );
    expect(messages(b.events, "notice")).toContain(restored.mode.reason);
    expect(b.builds.runs).toBe(0);
    expect(b.engine.verbs()).not.toContain("createContainer");
    expect(wheelFiles(root)).toEqual(bytes);
    expect(manifestOf(root)).toEqual(built.manifest);
    // And B's own store holds it now: without the wheelhouse, the next build restores locally.
    rmSync(path.join(root, "wheelhouse"), { recursive: true });
    registry.calls.length = 0;
    const again = await buildWheelhouse(b.ctx, b.project, request);
    expect(again.mode.reason).toMatch(/result store/);
    expect(registry.calls).toEqual([]);
  });

  it("looks in the result store first: a local hit asks the registry nothing (unless pushing)", async () => {
    const { registry, root, machine } = world();
    const a = machine();
    await buildWheelhouse(a.ctx, a.project, { ...request, cachePush: false });
    // The first build looked (and missed), then listed the wheels built from sdists before its builder
    // ran; the next one finds the set in its own store.
    expect(registry.calls).toEqual([expect.stringMatching(/^GET manifest set-/), "GET tags"]);
    registry.calls.length = 0;
    rmSync(path.join(root, "wheelhouse"), { recursive: true });
    const restored = await buildWheelhouse(a.ctx, a.project, request);
    expect(restored.mode.reason).toMatch(/result store/);
    expect(registry.calls).toEqual([]);
    // A warm store on a CI runner fills the team's cache when the cache lacks the set.
    rmSync(path.join(root, "wheelhouse"), { recursive: true });
    await buildWheelhouse(a.ctx, a.project, { ...request, cachePush: true });
    expect(registry.tags.size).toBe(1);
  });

  it("pushes by default in CI only", async () => {
    for (const [env, pushed] of [
      [{ CI: "true" }, 1],
      [{}, 0],
      [{ CI: "false" }, 0],
    ] as const) {
      const { registry, machine } = world();
      const a = machine();
      const ctx = { ...a.ctx, env: { ...a.ctx.env, ...env } };
      await buildWheelhouse(ctx, a.project, request);
      expect(registry.tags.size, JSON.stringify(env)).toBe(pushed);
    }
  });

  it("--no-cache asks the registry nothing", async () => {
    const { registry, root, machine } = world();
    const a = machine();
    await buildWheelhouse(a.ctx, a.project, { ...request, cachePush: true });
    rmSync(path.join(root, "wheelhouse"), { recursive: true });
    registry.calls.length = 0;
    const b = machine({ cache: "" });
    const outcome = await buildWheelhouse(b.ctx, b.project, { ...request, cachePush: true });
    expect(outcome.status).toBe("built");
    expect(b.builds.runs).toBe(1);
    expect(registry.calls).toEqual([]);
  });

  it("a damaged blob under the key: refused with a warning, built locally, and the good set pushed over it", async () => {
    const { registry, root, machine } = world();
    const a = machine();
    const built = await buildWheelhouse(a.ctx, a.project, { ...request, cachePush: true });
    const tinydep = built.manifest.wheels.find((w) => w.name === "tinydep")!;
    const damaged = Buffer.from(registry.blobs.get(`sha256:${tinydep.sha256}`)!);
    damaged[10] = (damaged[10] ?? 0) ^ 0xff;
    registry.blobs.set(`sha256:${tinydep.sha256}`, damaged);
    rmSync(path.join(root, "wheelhouse"), { recursive: true });
    registry.calls.length = 0;
    const b = machine();
    const outcome = await buildWheelhouse(b.ctx, b.project, { ...request, cachePush: true });
    expect(outcome.status).toBe("built");
    expect(messages(b.events, "warning").join("\n")).toMatch(
      /holds a bad entry under set-[0-9a-f]{64} \(tinydep-1\.0-py3-none-any\.whl: the blob's sha256 is not its digest\): refused, building locally/,
    );
    expect(manifestOf(root).wheels.map((w) => w.sha256)).toEqual(built.manifest.wheels.map((w) => w.sha256));
    expect(registry.calls.some((call) => call.startsWith("PUT manifest"))).toBe(true);
    expect(existsSync(path.join(root, "wheelhouse", "tinydep-1.0-py3-none-any.whl"))).toBe(true);
  });

  it("a foreign or lying entry (its config from other inputs; a wheel that is not a wheel) is refused", async () => {
    const { registry, root, machine } = world();
    const a = machine();
    const built = await buildWheelhouse(a.ctx, a.project, { ...request, cachePush: true });
    const [tag] = [...registry.tags.keys()];
    const artefact = JSON.parse(String(registry.manifests.get(registry.tags.get(tag!)!)));
    // A wheel whose bytes hash right but are no wheel: the registry's digest alone is not trusted.
    const junk = Buffer.from("not a zip");
    const junkDigest = `sha256:${createHash("sha256").update(junk).digest("hex")}`;
    registry.blobs.set(junkDigest, junk);
    const tinydep = artefact.layers.find((l: { annotations: Record<string, string> }) =>
      String(l.annotations["org.opencontainers.image.title"]).startsWith("tinydep"),
    );
    tinydep.digest = junkDigest;
    tinydep.size = junk.length;
    tinydep.annotations["io.wheelwright.wheel.sha256"] = junkDigest.slice(7);
    await registry.putManifest(tag!, Buffer.from(JSON.stringify(artefact)));
    rmSync(path.join(root, "wheelhouse"), { recursive: true });
    const b = machine();
    const outcome = await buildWheelhouse(b.ctx, b.project, { ...request, cachePush: false });
    expect(outcome.status).toBe("built");
    expect(messages(b.events, "warning").join("\n")).toMatch(
      /holds a bad entry under set-[0-9a-f]{64} \(tinydep/,
    );
    expect(manifestOf(root).wheels).toEqual(built.manifest.wheels);
  });

  it("a cache that cannot be reached: a warning and a local build; with --cache-required, exit 9 before any builder", async () => {
    const { registry, machine } = world();
    registry.down = true;
    const a = machine();
    const outcome = await buildWheelhouse(a.ctx, a.project, { ...request, cachePush: true });
    expect(outcome.status).toBe("built");
    expect(messages(a.events, "warning")).toEqual([
      `the registry cache 127.0.0.1:5000/acme/wheels cannot be used (The wheel cache 127.0.0.1:5000 cannot be reached: ${registry.calls[0]} failed): builds locally`,
    ]);
    // Not asked again to take the push of a set it could not be asked for.
    expect(registry.calls).toHaveLength(1);
    const b = machine();
    rmSync(path.join(b.project.wheelhouseDir), { recursive: true });
    const required = buildWheelhouse(b.ctx, b.project, { ...request, cacheRequired: true });
    await expect(required).rejects.toBeInstanceOf(RegistryError);
    await expect(required).rejects.toMatchObject({
      exitCode: 9,
      hint: expect.stringMatching(/--cache-required/),
    });
    expect(b.builds.runs).toBe(0);
    expect(existsSync(b.project.wheelhouseDir)).toBe(false);
  });

  it("build --dry-run shows the lookup before the builder's steps, and the push after them", async () => {
    const { registry, machine } = world();
    const a = machine();
    const plan = await planWheelhouseBuild(a.ctx, a.project, { ...request, cachePush: true });
    const titles = plan.steps.map((step) => step.title);
    expect(titles[0]).toMatch(/^look up set-[0-9a-f]{64} in 127\.0\.0\.1:5000\/acme\/wheels/);
    expect(titles.at(-1)).toMatch(/^push the published set to 127\.0\.0\.1:5000\/acme\/wheels/);
    expect(registry.calls).toEqual([]);
  });

  it("cache ls lists this project's entries only; prune keeps the newest N (--dry-run deletes nothing)", async () => {
    const { registry, root, machine } = world();
    const a = machine();
    await buildWheelhouse(a.ctx, a.project, { ...request, cachePush: true });
    // A second entry a day later (another SOURCE_DATE_EPOCH), and another project's in the same repository.
    rmSync(path.join(root, "wheelhouse"), { recursive: true });
    const later = {
      ...a.ctx,
      env: { ...a.ctx.env, SOURCE_DATE_EPOCH: "1700086400" },
      clock: () => 1_700_086_400_000,
    };
    await buildWheelhouse(later, a.project, { ...request, cachePush: true });
    const foreign = JSON.parse(String([...registry.manifests.values()][0]));
    foreign.annotations["io.wheelwright.project"] = "other/app";
    await registry.putManifest(`set-${"0".repeat(64)}`, Buffer.from(JSON.stringify(foreign)));
    await registry.putManifest("latest", Buffer.from("{}"));

    const entries = await listCacheEntries(a.ctx, a.project);
    // tinydep is fetched, not compiled: no sdist entries, the two sets only.
    expect(
      entries.map((entry) => [entry.kind, entry.wheels, entry.name, entry.version, entry.created]),
    ).toEqual([
      ["set", 2, "demo", "0.1.0", "2023-11-15T22:13:20.000Z"],
      ["set", 2, "demo", "0.1.0", "2023-11-14T22:13:20.000Z"],
    ]);
    const dry = await pruneCacheEntries(a.ctx, a.project, 1, true);
    expect(dry.deleted.map((entry) => entry.tag)).toEqual([entries[1]!.tag]);
    expect(registry.calls.some((call) => call.startsWith("DELETE"))).toBe(false);
    const pruned = await pruneCacheEntries(a.ctx, a.project, 1, false);
    expect(pruned.kept.map((entry) => entry.tag)).toEqual([entries[0]!.tag]);
    expect([...registry.tags.keys()].sort()).toEqual(
      [entries[0]!.tag, `set-${"0".repeat(64)}`, "latest"].sort(),
    );
  });

  it("cache ls without a configured cache: an input error that says how to set one", async () => {
    const { machine } = world("");
    const a = machine();
    await expect(listCacheEntries(a.ctx, a.project)).rejects.toMatchObject({ exitCode: 3 });
  });
});
