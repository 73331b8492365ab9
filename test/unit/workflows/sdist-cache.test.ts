// Per-sdist entries of the registry wheel cache (issue 13) in a build, with a fake engine and an
// in-memory registry: a build pushes each wheel compiled from an sdist as its own entry; a later
// build on another machine (its set entry missing) hands the verified wheel into the builder, whose
// helper takes it for exactly that sdist; a damaged or foreign entry is refused with a warning
// naming its tag and the sdist is compiled; an unreachable registry is one warning.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../../src/config/load.js";
import type { HelperRequest } from "../../../src/domain/helper-request.js";
import { SDIST_WHEEL_ARTIFACT } from "../../../src/domain/sdist-wheel-artifact.js";
import { buildWheelhouse } from "../../../src/workflows/build-wheelhouse.js";
import { listCacheEntries, pruneCacheEntries } from "../../../src/workflows/cache-entries.js";
import { FakeEngine } from "../../support/fake-engine.js";
import { FakeRegistry } from "../../support/fake-registry.js";
import { FAKE_INTERPRETER, FAKE_SHA, testContext, writeProject } from "../../support/workflow-context.js";
import { wheelMembers, zipBytes } from "../builders/wheel-zip.js";

const SDIST_SHA = "a".repeat(64);
const COMPILED = "cext-1.0-cp311-cp311-linux_x86_64.whl";

const wheel = (name: string, version: string, extra = "") =>
  zipBytes(
    wheelMembers({
      name,
      version,
      files: [{ name: `${name}/__init__.py`, data: "X = 1\n" }],
      metadata: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n${extra}`,
    }),
  );

interface HelperSeen {
  runs: number;
  requests: HelperRequest[];
  /** How many times the fake helper took a handed-in wheel instead of "compiling". */
  taken: number;
  /** Say a wheel came from the cache when none was handed in (a lying builder). */
  lie?: boolean;
}

/** The builder's helper: the app, and cext "compiled" from its sdist unless the request hands one in. */
function helper(engine: FakeEngine): HelperSeen {
  const seen: HelperSeen = { runs: 0, requests: [], taken: 0 };
  engine.execScript = async (argv, _options, container) => {
    if (!argv.includes("wheelwright_helper")) return { exitCode: 0 };
    seen.runs++;
    const request = JSON.parse(
      String(container.files.get("/wheelwright/input/request.json")),
    ) as HelperRequest;
    seen.requests.push(request);
    container.files.set(
      `${request.out}/app/demo-0.1.0-py3-none-any.whl`,
      await wheel("demo", "0.1.0", "Requires-Dist: cext\n"),
    );
    const handed = request.sdistWheels?.wheels.find((w) => w.sdist === SDIST_SHA);
    const bytes =
      handed === undefined
        ? undefined
        : container.files.get(`${request.sdistWheels!.dir}/${handed.filename}`);
    if (bytes !== undefined) seen.taken++;
    container.files.set(`${request.out}/deps/${COMPILED}`, bytes ?? (await wheel("cext", "1.0")));
    const wheels = [
      { filename: "demo-0.1.0-py3-none-any.whl", folder: "app", origin: "built", sets: ["runtime"] },
      {
        filename: COMPILED,
        folder: "deps",
        origin: "built",
        sets: ["runtime"],
        sdist: { name: "cext-1.0.tar.gz", sha256: SDIST_SHA, path: "/index/cext-1.0.tar.gz" },
        ...(bytes !== undefined || seen.lie === true ? { cached: true } : {}),
      },
    ];
    container.files.set(
      `${request.out}/report.json`,
      JSON.stringify({ version: 1, app: "demo", interpreter: FAKE_INTERPRETER, wheels }),
    );
    return { exitCode: 0 };
  };
  return seen;
}

const request = { extras: [], groups: [], requirements: [], force: false };

function world() {
  const registry = new FakeRegistry();
  const first = testContext();
  const root = writeProject(path.join(first.tmp, "project"), {
    tool: '\ncache = "127.0.0.1:5000/acme/wheels"\n',
  });
  mkdirSync(path.join(root, ".git", "refs", "heads"), { recursive: true });
  writeFileSync(path.join(root, ".git", "HEAD"), "ref: refs/heads/main\n");
  writeFileSync(path.join(root, ".git", "refs", "heads", "main"), `${FAKE_SHA}\n`);
  const machine = () => {
    const engine = new FakeEngine();
    engine.addImage("debian:bookworm-slim");
    const test = testContext({ engine });
    const ctx = { ...test.ctx, openCacheRegistry: () => registry };
    const project = loadProject({ cwd: root, env: ctx.env, flags: {} });
    return { ...test, ctx, engine, project, helper: helper(engine) };
  };
  /** The wheelhouse and the set's entry gone (another commit's set): only the per-sdist entries can help. */
  const dropSetEntries = () => {
    rmSync(path.join(root, "wheelhouse"), { recursive: true, force: true });
    for (const tag of [...registry.tags.keys()]) if (tag.startsWith("set-")) registry.tags.delete(tag);
  };
  const sdistTag = () => [...registry.tags.keys()].find((tag) => tag.startsWith("sdist-"));
  return { registry, root, machine, dropSetEntries, sdistTag };
}

const messages = (events: { type: string; message?: string }[], type: string) =>
  events.filter((event) => event.type === type).map((event) => event.message ?? "");
const wheelhouseBytes = (root: string) =>
  Object.fromEntries(
    readdirSync(path.join(root, "wheelhouse"))
      .filter((name) => name.endsWith(".whl"))
      .map((name) => [name, readFileSync(path.join(root, "wheelhouse", name)).toString("base64")]),
  );

describe("per-sdist entries of the registry wheel cache", () => {
  it("A pushes its compiled wheel as its own entry; B takes it instead of compiling, the same bytes", async () => {
    const { registry, root, machine, dropSetEntries, sdistTag } = world();
    const a = machine();
    const built = await buildWheelhouse(a.ctx, a.project, { ...request, cachePush: true });
    expect(built.fromWheelCache).toBe(0);
    const tag = sdistTag();
    expect(tag).toMatch(new RegExp(`^sdist-[0-9a-f]{24}-${SDIST_SHA}$`));
    const entry = JSON.parse(String(registry.manifests.get(registry.tags.get(tag!)!)));
    expect(entry.artifactType).toBe(SDIST_WHEEL_ARTIFACT);
    expect(entry.layers).toHaveLength(1);
    expect(entry.annotations).toMatchObject({
      "io.wheelwright.wheel.name": "cext",
      "io.wheelwright.sdist.sha256": SDIST_SHA,
      "io.wheelwright.wheel.abi": "cp311",
      "io.wheelwright.wheel.platform": "linux_x86_64",
    });
    expect(messages(a.events, "notice").join("\n")).toContain(
      "pushed 1 wheel built from sdists to the registry cache 127.0.0.1:5000/acme/wheels",
    );
    const bytes = wheelhouseBytes(root);

    dropSetEntries();
    const b = machine();
    const second = await buildWheelhouse(b.ctx, b.project, { ...request, cachePush: true });
    expect(second.status).toBe("built");
    expect(b.helper.requests[0]!.sdistWheels?.wheels).toEqual([
      { sdist: SDIST_SHA, filename: COMPILED, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(b.helper.taken).toBe(1);
    expect(messages(b.events, "notice")).toContain("cext 1.0 (sdist): fetched from the wheel cache");
    expect(second.fromWheelCache).toBe(1);
    expect(wheelhouseBytes(root)).toEqual(bytes);
    // Taken from the cache: not pushed again.
    expect(registry.calls.filter((call) => call === `PUT manifest ${tag}`)).toHaveLength(1);
  });

  it("cache ls lists the sdist wheel beside the set, not another project's; prune --keep 0 deletes both", async () => {
    const { registry, machine, sdistTag } = world();
    const a = machine();
    const built = await buildWheelhouse(a.ctx, a.project, { ...request, cachePush: true });
    const tag = sdistTag()!;
    const cext = built.manifest.wheels.find((w) => w.name === "cext")!;
    // Another project's entry for another sdist, in the same group of the same repository.
    const foreign = JSON.parse(String(registry.manifests.get(registry.tags.get(tag)!)));
    foreign.annotations["io.wheelwright.project"] = "other/app";
    const foreignTag = `${tag.slice(0, -64)}${"b".repeat(64)}`;
    await registry.putManifest(foreignTag, Buffer.from(JSON.stringify(foreign)));

    const entries = await listCacheEntries(a.ctx, a.project);
    expect(entries.map((entry) => [entry.kind, entry.name, entry.version, entry.tag])).toEqual([
      ["set", "demo", "0.1.0", expect.stringMatching(/^set-[0-9a-f]{64}$/)],
      ["sdist wheel", "cext", "1.0", tag],
    ]);
    const sdistEntry = entries[1]!;
    expect(sdistEntry).toMatchObject({
      size: cext.size,
      wheels: 1,
      platform: foreign.annotations["io.wheelwright.platform"],
    });
    expect(sdistEntry.platform).not.toBe("");
    expect(sdistEntry.created).toMatch(/^\d{4}-\d\d-\d\dT/);

    const dry = await pruneCacheEntries(a.ctx, a.project, 0, true);
    expect(dry.deleted.map((entry) => entry.kind).sort()).toEqual(["sdist wheel", "set"]);
    expect(registry.calls.some((call) => call.startsWith("DELETE"))).toBe(false);
    const kept = await pruneCacheEntries(a.ctx, a.project, 1, false);
    expect(kept.deleted).toEqual([]);
    const pruned = await pruneCacheEntries(a.ctx, a.project, 0, false);
    expect(pruned.deleted.map((entry) => entry.tag).sort()).toEqual(entries.map((entry) => entry.tag).sort());
    expect([...registry.tags.keys()]).toEqual([foreignTag]);
    expect(await listCacheEntries(a.ctx, a.project)).toEqual([]);
  });

  it("a damaged blob or a foreign entry under the key: refused, naming the tag; the sdist is compiled", async () => {
    for (const damage of ["blob", "foreign"] as const) {
      const { registry, machine, dropSetEntries, sdistTag } = world();
      const a = machine();
      const built = await buildWheelhouse(a.ctx, a.project, { ...request, cachePush: true });
      const tag = sdistTag()!;
      const cext = built.manifest.wheels.find((w) => w.name === "cext")!;
      if (damage === "blob") {
        const bytes = Buffer.from(registry.blobs.get(`sha256:${cext.sha256}`)!);
        bytes[10] = (bytes[10] ?? 0) ^ 0xff;
        registry.blobs.set(`sha256:${cext.sha256}`, bytes);
      } else {
        const entry = JSON.parse(String(registry.manifests.get(registry.tags.get(tag)!)));
        entry.annotations["io.wheelwright.builder"] = "image:another-builder";
        await registry.putManifest(tag, Buffer.from(JSON.stringify(entry)));
      }
      dropSetEntries();
      const b = machine();
      const outcome = await buildWheelhouse(b.ctx, b.project, request);
      expect(outcome.status).toBe("built");
      const warning = messages(b.events, "warning").join("\n");
      expect(warning, damage).toContain(`holds a bad entry under ${tag} (`);
      expect(warning, damage).toContain("refused, that sdist is compiled");
      expect(warning, damage).toMatch(
        damage === "blob" ? /the blob's sha256 is not its digest/ : /a foreign entry under this key/,
      );
      expect(b.helper.requests[0]!.sdistWheels).toBeUndefined();
      expect(b.helper.taken).toBe(0);
      expect(outcome.fromWheelCache).toBe(0);
    }
  });

  it("a registry that cannot be reached: one warning, the sdist compiled, nothing pushed", async () => {
    const { registry, machine } = world();
    registry.down = true;
    const a = machine();
    const outcome = await buildWheelhouse(a.ctx, a.project, { ...request, cachePush: true });
    expect(outcome.status).toBe("built");
    expect(messages(a.events, "warning")).toHaveLength(1);
    expect(registry.calls).toHaveLength(1);
    expect(a.helper.taken).toBe(0);
  });

  it("a builder that says it took a wheel from the cache when none was handed in is not believed", async () => {
    const { machine } = world();
    const a = machine();
    a.helper.lie = true;
    await expect(buildWheelhouse(a.ctx, a.project, request)).rejects.toThrow(
      /came from the wheel cache, but the host handed in no such wheel/,
    );
  });
});
