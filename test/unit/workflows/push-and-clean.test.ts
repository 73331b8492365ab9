import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../../src/config/load.js";
import { LockedError, RegistryError } from "../../../src/errors.js";
import { lockWheelhouse } from "../../../src/execute/wheelhouse-lock.js";
import { cleanProject, planCleanProject } from "../../../src/workflows/clean.js";
import { planPushImages, pushImages } from "../../../src/workflows/push-images.js";
import { FakeEngine } from "../../support/fake-engine.js";
import { testContext, writeProject, writeWheelhouse } from "../../support/workflow-context.js";

function setup(options: { stdin?: string; tool?: string } = {}) {
  const engine = new FakeEngine();
  const test = testContext({ engine, stdin: options.stdin });
  const root = writeProject(path.join(test.tmp, "project"), { tool: options.tool });
  const project = loadProject({ cwd: root, env: test.ctx.env, flags: {} });
  return { ...test, engine, project };
}

const push = { extraTags: ["v1"], allImages: false, username: undefined, passwordStdin: false };

describe("push workflow (fake engine)", () => {
  it("tags, pushes each reference and checks the registry's digest, in the planned order", async () => {
    const { ctx, engine, project } = setup({
      tool: 'namespace = "127.0.0.1:5000/acme"\n'.replace("namespace", "#"),
    });
    engine.addImage("acme/demo-release:0123456789ab");
    const plan = await planPushImages(ctx, project, push, engine);
    const pushed = await pushImages(ctx, project, plan, engine);
    expect(plan.references).toEqual([
      "acme/demo-release:0123456789ab",
      "acme/demo-release:latest",
      "acme/demo-release:v1",
    ]);
    expect(pushed).toEqual(plan.references.map((ref) => `${ref}@sha256:${"a".repeat(64)}`));
    expect(engine.calls.filter((c) => c.verb === "push").map((c) => c.args[0])).toEqual(plan.references);
    expect(plan.steps.filter((s) => s.id.startsWith("push:")).map((s) => s.command!.argv)).toEqual(
      plan.references.map((ref) => ["docker", "push", ref]),
    );
  });

  it("logs in with the password from stdin into a temporary config, redacts it, and removes the config after", async () => {
    const { ctx, engine, project, secrets } = setup({ stdin: "s3cret-PW\n" });
    engine.addImage("acme/demo-release:0123456789ab");
    const plan = await planPushImages(
      ctx,
      project,
      { ...push, username: "alice", passwordStdin: true },
      engine,
    );
    let password = "";
    engine.loginScript = (_registry, _user, given) => {
      password = given;
      return { exitCode: 0 };
    };
    await pushImages(ctx, project, plan, engine);
    expect(password).toBe("s3cret-PW");
    expect(secrets).toContain("s3cret-PW");
    const login = engine.calls.find((c) => c.verb === "login")!;
    expect(login.args).toEqual(["", "alice", plan.configDir]);
    expect(engine.calls.filter((c) => c.verb === "push").every((c) => c.args[1] === plan.configDir)).toBe(
      true,
    );
    expect(existsSync(plan.configDir!)).toBe(false);
    expect(JSON.stringify(plan)).not.toContain("s3cret");
  });

  it("a refused push and a digest that differs are registry errors (exit 9)", async () => {
    const { ctx, engine, project } = setup();
    engine.addImage("acme/demo-release:0123456789ab");
    engine.pushScript = () => ({ exitCode: 1, output: "no basic auth credentials" });
    const plan = await planPushImages(ctx, project, push, engine);
    await expect(pushImages(ctx, project, plan, engine)).rejects.toThrow(/Not logged in/);
    engine.pushScript = (ref) => ({
      exitCode: 0,
      output: `${ref}: digest: sha256:${"b".repeat(64)} size: 1`,
    });
    const error = await pushImages(ctx, project, plan, engine).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(/not the sha256:b+ pushed/);
  });

  it("refuses to push a release that was never built, before any push", async () => {
    const { ctx, engine, project } = setup();
    const plan = await planPushImages(ctx, project, push, engine);
    await expect(pushImages(ctx, project, plan, engine)).rejects.toMatchObject({
      message: "There is no image acme/demo-release:0123456789ab to push",
      hint: "Run `wheelwright release` first.",
    });
    expect(engine.verbs()).not.toContain("push");
  });
});

describe("clean workflow (fake engine)", () => {
  it("removes the manifest's wheels and wheelwright's own files, keeps a file it did not write, unless --force", async () => {
    const { ctx, engine, project } = setup();
    await writeWheelhouse(ctx, project, [{ name: "demo", version: "0.1.0", sets: ["runtime"] }]);
    writeFileSync(path.join(project.wheelhouseDir, "NOTES.txt"), "mine");
    const removed = await cleanProject(ctx, project, { all: false, force: false }, engine);
    // The wheel, manifest.json, requirements.txt and sbom.cdx.json.
    expect(removed.join()).toMatch(/wheelhouse\/ \(4 files\)/);
    expect(readdirSync(project.wheelhouseDir)).toEqual(["NOTES.txt"]);
    await cleanProject(ctx, project, { all: false, force: true }, engine);
    expect(existsSync(project.wheelhouseDir)).toBe(false);
  });

  it("removes this project's containers, dangling images, candidate tags and (--all) its volume, and nothing of another project", async () => {
    const { ctx, engine, project } = setup();
    await engine.startContainer({
      name: "wheelwright-x",
      image: "i",
      labels: { "io.wheelwright.project": "acme/demo" },
      network: "host",
      mounts: [],
      makeDirs: [],
    });
    await engine.startContainer({
      name: "other",
      image: "i",
      labels: { "io.wheelwright.project": "acme/other" },
      network: "host",
      mounts: [],
      makeDirs: [],
    });
    const dangling = engine.addImage("x:1", { "io.wheelwright.project": "acme/demo" });
    engine.tags.delete("x:1");
    const theirs = engine.addImage("y:1", { "io.wheelwright.project": "acme/other" });
    engine.tags.delete("y:1");
    engine.addImage("acme/demo-release:wheelwright-candidate-dead1");
    engine.volumes.add("wheelwright-cache-acme-demo");
    engine.volumes.add("wheelwright-cache-acme-other");
    const plan = await planCleanProject(ctx, project, { all: true, force: false }, engine);
    expect(plan.steps.map((s) => s.command?.argv.slice(0, 3).join(" "))).toContain("docker rm -f");
    await cleanProject(ctx, project, { all: true, force: false }, engine);
    expect([...engine.containers.keys()]).toEqual(["other"]);
    expect(engine.images.has(dangling)).toBe(false);
    expect(engine.images.has(theirs)).toBe(true);
    expect(engine.tags.has("acme/demo-release:wheelwright-candidate-dead1")).toBe(false);
    expect([...engine.volumes]).toEqual(["wheelwright-cache-acme-other"]);
  });

  it("takes the wheelhouse's lock: a live run holding it makes clean fail with exit 10, touching nothing", async () => {
    const { ctx, engine, project } = setup();
    await writeWheelhouse(ctx, project, [{ name: "demo", version: "0.1.0", sets: ["runtime"] }]);
    const lock = lockWheelhouse(project.wheelhouseDir, "wheelwright build");
    try {
      await expect(cleanProject(ctx, project, { all: false, force: false }, engine)).rejects.toBeInstanceOf(
        LockedError,
      );
      expect(readdirSync(project.wheelhouseDir).length).toBe(4);
    } finally {
      lock.release();
    }
  });

  it("takes over at once a lock whose holder process is gone", async () => {
    const { ctx, engine, project } = setup();
    mkdirSync(path.dirname(project.wheelhouseDir), { recursive: true });
    writeFileSync(
      path.join(path.dirname(project.wheelhouseDir), ".wheelhouse.lock"),
      JSON.stringify({
        pid: 2 ** 22 + 7,
        host: (await import("node:os")).hostname(),
        started: 1,
        command: "wheelwright build",
        since: "x",
      }),
    );
    await expect(cleanProject(ctx, project, { all: false, force: false }, engine)).resolves.toBeDefined();
    expect(existsSync(path.join(path.dirname(project.wheelhouseDir), ".wheelhouse.lock"))).toBe(false);
  });
});
