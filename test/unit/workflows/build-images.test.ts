import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../../src/config/load.js";
import type { ImageBuildSpec } from "../../../src/engine/engine.js";
import { EngineUnavailableError, ImageBuildError } from "../../../src/errors.js";
import { buildImages, planImageBuild } from "../../../src/workflows/build-images.js";
import { FakeEngine } from "../../support/fake-engine.js";
import { testContext, writeProject } from "../../support/workflow-context.js";

function setup(options: { dirty?: boolean } = {}) {
  const engine = new FakeEngine();
  engine.addImage("debian:bookworm-slim");
  const test = testContext({ engine, dirty: options.dirty });
  const root = writeProject(path.join(test.tmp, "project"));
  const project = loadProject({ cwd: root, env: test.ctx.env, flags: {} });
  return { ...test, engine, project, root };
}

describe("image workflow (fake engine)", () => {
  it("builds base then builder, running exactly the planned specs, and removes the image a rebuild replaced", async () => {
    const { ctx, engine, project } = setup();
    const plan = await planImageBuild(ctx, project, { targets: [], all: true }, engine);
    expect(plan.steps.map((s) => s.context)).toEqual(["base", "builder"]);
    const results = await buildImages(ctx, project, plan, engine);
    const built = engine.calls.filter((c) => c.verb === "buildImage").map((c) => c.args[0] as ImageBuildSpec);
    expect(built).toEqual(plan.steps.map((s) => s.spec));
    expect(results.map((r) => r.tags[0])).toEqual([
      "acme/demo-base:0123456789ab",
      "acme/demo-builder:0123456789ab",
    ]);
    // The same build again moves the tags to new images: the replaced ones (no tag left) are removed.
    const before = results.map((r) => r.imageId);
    await buildImages(
      ctx,
      project,
      await planImageBuild(ctx, project, { targets: [], all: true }, engine),
      engine,
    );
    for (const id of before) expect(engine.images.has(id)).toBe(false);
  });

  it("reuses a FROM image of the same content instead of rebuilding it", async () => {
    const { ctx, engine, project } = setup();
    await buildImages(
      ctx,
      project,
      await planImageBuild(ctx, project, { targets: ["base"], all: false }, engine),
      engine,
    );
    const plan = await planImageBuild(ctx, project, { targets: ["builder"], all: false }, engine);
    expect(plan.steps.map((s) => s.context)).toEqual(["builder"]);
    expect(plan.steps[0]!.spec.buildArgs.BASE_IMAGE).toBe("acme/demo-base:0123456789ab");
  });

  it("reuseSameContent (as `all` asks): unchanged image folders are tagged for this commit, not rebuilt", async () => {
    const { ctx, engine, project } = setup();
    await buildImages(
      ctx,
      project,
      await planImageBuild(ctx, project, { targets: [], all: true }, engine),
      engine,
    );
    const builds = engine.calls.filter((c) => c.verb === "buildImage").length;
    engine.tags.delete("acme/demo-base:0123456789ab");
    engine.tags.delete("acme/demo-builder:0123456789ab");
    const plan = await planImageBuild(
      ctx,
      project,
      { targets: [], all: true, reuseSameContent: true },
      engine,
    );
    expect(plan.steps).toEqual([]);
    expect(plan.retags.map((r) => r.context)).toEqual(["base", "builder"]);
    const results = await buildImages(ctx, project, plan, engine);
    expect(engine.calls.filter((c) => c.verb === "buildImage").length).toBe(builds);
    expect(engine.tags.has("acme/demo-base:0123456789ab")).toBe(true);
    expect(results.map((r) => r.tags[0])).toEqual([
      "acme/demo-base:0123456789ab",
      "acme/demo-builder:0123456789ab",
    ]);
  });

  it("tags a dirty tree <sha>-dirty and warns", async () => {
    const { ctx, engine, project, events } = setup({ dirty: true });
    const plan = await planImageBuild(ctx, project, { targets: ["base"], all: false }, engine);
    await buildImages(ctx, project, plan, engine);
    expect(engine.tags.has("acme/demo-base:0123456789ab-dirty")).toBe(true);
    expect(engine.tags.has("acme/demo-base:0123456789ab")).toBe(false);
    expect(events.some((e) => e.type === "warning" && /uncommitted changes/.test(e.message))).toBe(true);
  });

  it("refuses a missing FROM image when pulls are off, and RUN --mount on a legacy-only engine, building nothing", async () => {
    const { ctx, engine, project } = setup();
    engine.images.clear();
    engine.tags.clear();
    const plan = await planImageBuild(ctx, project, { targets: ["base"], all: false }, engine);
    await expect(buildImages(ctx, project, plan, engine)).rejects.toBeInstanceOf(ImageBuildError);
    const mount = writeProject(path.join(ctx.tmpdir, "mount"));
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      path.join(mount, "docker", "base", "Dockerfile"),
      "FROM x\nRUN --mount=type=cache,target=/c true\n",
    );
    const other = loadProject({ cwd: mount, env: ctx.env, flags: {} });
    const mountPlan = await planImageBuild(ctx, other, { targets: ["base"], all: false }, engine);
    await expect(buildImages(ctx, other, mountPlan, engine)).rejects.toBeInstanceOf(EngineUnavailableError);
    expect(engine.verbs()).not.toContain("buildImage");
  });

  it("removes its scratch folder (generated Dockerfiles) even when a build fails", async () => {
    const { ctx, engine, project } = setup();
    engine.buildScript = () => {
      throw new ImageBuildError("boom");
    };
    const plan = await planImageBuild(ctx, project, { targets: ["base"], all: false }, engine);
    await expect(buildImages(ctx, project, plan, engine)).rejects.toThrow("boom");
    const { existsSync } = await import("node:fs");
    expect(existsSync(plan.scratchDir)).toBe(false);
  });
});
