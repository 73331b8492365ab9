import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../../src/config/load.js";
import { LABEL_SBOM, LABEL_SBOM_SHA256, SBOM_IMAGE_PATH } from "../../../src/domain/release-sbom.js";
import type { ImageBuildSpec, OneOffSpec } from "../../../src/engine/engine.js";
import { EngineFailureError, ImageBuildError, InputError } from "../../../src/errors.js";
import { planReleaseImage, releaseImage } from "../../../src/workflows/release-image.js";
import { STATUS } from "../../support/dpkg-status-text.js";
import { FakeEngine } from "../../support/fake-engine.js";
import { testContext, writeProject, writeWheelhouse } from "../../support/workflow-context.js";

async function setup() {
  const engine = new FakeEngine();
  engine.addImage("debian:bookworm-slim");
  const test = testContext({ engine });
  const root = writeProject(path.join(test.tmp, "project"));
  const project = loadProject({ cwd: root, env: test.ctx.env, flags: {} });
  await writeWheelhouse(test.ctx, project, [
    { name: "demo", version: "0.1.0", sets: ["runtime"] },
    { name: "tinydep", version: "1.0", sets: ["runtime"] },
    { name: "pytest", version: "9.0", sets: ["extra:test"] },
  ]);
  return { ...test, engine, project };
}

describe("release workflow (fake engine)", () => {
  it("builds under a candidate tag from a context of the runtime wheels, checks it, then tags it and drops the candidate", async () => {
    const { ctx, engine, project } = await setup();
    const plan = await planReleaseImage(ctx, project, ["stable"], engine);
    expect(plan.copies.map((c) => path.basename(c.to))).toEqual([
      "tinydep-1.0-py3-none-any.whl",
      "demo-0.1.0-py3-none-any.whl",
    ]);
    expect(plan.requirements[0]!.text).toMatch(/^tinydep==1.0 --hash=sha256:[0-9a-f]{64}\n$/);
    const result = await releaseImage(ctx, project, plan, engine);
    const built = engine.calls.filter((c) => c.verb === "buildImage").map((c) => c.args[0] as ImageBuildSpec);
    // The release image, then the one-line image that adds its SBOM, both under the candidate tag.
    expect(built.slice(-2)).toEqual([plan.image.steps.at(-1)!.spec, plan.sbom.spec]);
    expect(built.at(-1)!.tags).toEqual([plan.candidate]);
    const checks = engine.calls.filter((c) => c.verb === "runOnce").map((c) => c.args[0] as OneOffSpec);
    expect(checks).toEqual([plan.check]);
    expect(result.tags).toEqual([
      "acme/demo-release:0123456789ab",
      "acme/demo-release:latest",
      "acme/demo-release:stable",
    ]);
    for (const tag of result.tags) expect(engine.tags.get(tag)).toBe(result.image);
    expect(engine.tags.has(plan.candidate)).toBe(false);
    expect(existsSync(plan.contextDir)).toBe(false);
    expect(existsSync(plan.sbom.contextDir)).toBe(false);
  });

  it("adds the SBOM once the check passed: the tagged image carries it at its path, labelled with its sha256", async () => {
    const { ctx, engine, project } = await setup();
    const prefixed = (prefix: string, text: string) =>
      text
        .split("\n")
        .map((line) => `${prefix}${line}`)
        .join("\n");
    engine.runOnceScript = () => ({
      exitCode: 0,
      output: `${prefixed("dpkg-status:", STATUS)}\n${prefixed("os-release:", "ID=debian\nVERSION_ID=12")}\n`,
    });
    const seen: { dockerfile: string; sbom: string }[] = [];
    engine.buildScript = (spec) => {
      if (spec.contextDir.endsWith("/sbom"))
        seen.push({
          dockerfile: readFileSync(spec.dockerfile, "utf8"),
          sbom: readFileSync(path.join(spec.contextDir, "sbom.cdx.json"), "utf8"),
        });
    };
    const plan = await planReleaseImage(ctx, project, [], engine);
    const result = await releaseImage(ctx, project, plan, engine);
    expect(seen).toHaveLength(1);
    const sha256 = createHash("sha256").update(seen[0]!.sbom).digest("hex");
    expect(result.sbom).toEqual({ path: SBOM_IMAGE_PATH, sha256, wheels: 2, debianPackages: 3 });
    expect(seen[0]!.dockerfile).toMatch(
      new RegExp(`^FROM ${plan.candidate}\nCOPY sbom.cdx.json ${SBOM_IMAGE_PATH}\n`),
    );
    const labels = (await engine.inspectImage(result.tags[0]!))!.labels;
    expect(labels).toMatchObject({ [LABEL_SBOM]: SBOM_IMAGE_PATH, [LABEL_SBOM_SHA256]: sha256 });
    const sbom = JSON.parse(seen[0]!.sbom) as { components: { purl?: string }[] };
    expect(sbom.components.map((c) => c.purl).filter((p) => p?.startsWith("pkg:pypi/"))).toEqual([
      "pkg:pypi/demo@0.1.0",
      "pkg:pypi/tinydep@1.0",
    ]);
    expect(sbom.components.filter((c) => c.purl?.startsWith("pkg:deb/debian/"))).toHaveLength(3);
  });

  it("an absurd dpkg status fails the release (exit 5) naming the problem, and no tag is given", async () => {
    const { ctx, engine, project } = await setup();
    engine.runOnceScript = () => ({
      exitCode: 0,
      output:
        'dpkg-status:Package: evil\ndpkg-status:Status: install ok installed\ndpkg-status:Architecture: amd64\ndpkg-status:Version: 1.0","x\n',
    });
    const plan = await planReleaseImage(ctx, project, [], engine);
    const error = await releaseImage(ctx, project, plan, engine).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageBuildError);
    expect((error as ImageBuildError).message).toMatch(/Debian packages cannot be listed in its SBOM/);
    expect((error as ImageBuildError).details).toEqual([
      `dpkg's status: evil has an invalid Version "1.0\\",\\"x"`,
    ]);
    expect(engine.calls.filter((c) => c.verb === "buildImage")).toHaveLength(plan.image.steps.length);
    expect([...engine.tags.keys()].filter((t) => t.startsWith("acme/demo-release"))).toEqual([]);
  });

  it("a failed check: exit 5 with the findings, no tag given, the candidate removed", async () => {
    const { ctx, engine, project } = await setup();
    engine.runOnceScript = () => ({ exitCode: 0, output: "compiler:gcc\ninstalled:pytest==9.0\n" });
    const plan = await planReleaseImage(ctx, project, [], engine);
    const error = await releaseImage(ctx, project, plan, engine).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageBuildError);
    expect((error as ImageBuildError).details).toEqual([
      "it holds a compiler: gcc",
      "it holds pytest, which only extra:test needs",
    ]);
    expect([...engine.tags.keys()].filter((t) => t.startsWith("acme/demo-release"))).toEqual([]);
  });

  it("a check that could not run is said to be so (exit 4), never blamed on the Dockerfile", async () => {
    const { ctx, engine, project } = await setup();
    engine.runOnceScript = () => ({ exitCode: 125, output: "container-init binary not found on the host" });
    const plan = await planReleaseImage(ctx, project, [], engine);
    const error = await releaseImage(ctx, project, plan, engine).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineFailureError);
    expect((error as EngineFailureError).message).toMatch(/could not be checked/);
    expect((error as EngineFailureError).details.join()).toContain("container-init");
    expect(engine.tags.has(plan.candidate)).toBe(false);
  });

  it("refuses a wheelhouse with a changed wheel, and a missing one, before any engine call", async () => {
    const { ctx, engine, project } = await setup();
    const { writeFileSync, rmSync } = await import("node:fs");
    writeFileSync(path.join(project.wheelhouseDir, "tinydep-1.0-py3-none-any.whl"), "flipped");
    await expect(planReleaseImage(ctx, project, [], engine)).rejects.toThrow(/does not match its manifest/);
    rmSync(project.wheelhouseDir, { recursive: true });
    await expect(planReleaseImage(ctx, project, [], engine)).rejects.toBeInstanceOf(InputError);
    expect(engine.calls).toEqual([]);
  });

  it("builds the release image with BuildKit where the engine has it, and with the legacy builder where not", async () => {
    const { ctx, engine, project } = await setup();
    const legacy = (await planReleaseImage(ctx, project, [], engine)).image.steps.at(-1)!;
    expect(legacy.spec.builder).toBe("legacy");
    expect(legacy.command.env).toEqual({ DOCKER_BUILDKIT: "0" });
    engine.features_ = { buildKit: true, rootless: false };
    const plan = await planReleaseImage(ctx, project, [], engine);
    const step = plan.image.steps.at(-1)!;
    expect(step.spec.builder).toBe("buildkit");
    expect(step.command.env).toMatchObject({ DOCKER_BUILDKIT: "1" });
    // BuildKit applies --label as metadata: the labels go as flags, not as a generated LABEL step.
    expect(step.command.argv).toContain(
      `io.wheelwright.wheelhouse=${step.labels["io.wheelwright.wheelhouse"]}`,
    );
    expect(step.spec.dockerfile).toBe(path.join(project.root, "docker", "release", "Dockerfile"));
    // Only the release asks for it: the base image it may need is built as before.
    await releaseImage(ctx, project, plan, engine);
    const built = engine.calls.filter((c) => c.verb === "buildImage").map((c) => c.args[0] as ImageBuildSpec);
    expect(
      built.find((spec) => spec.tags.includes(plan.candidate) && spec.contextDir === plan.contextDir)
        ?.builder,
    ).toBe("buildkit");
    expect(
      built
        .filter((spec) => spec.contextDir !== plan.contextDir && spec.contextDir !== plan.sbom.contextDir)
        .map((s) => s.builder),
    ).not.toContain("buildkit");
  });

  it("prints the same build it runs: the plan's command is the build spec's command line", async () => {
    const { ctx, engine, project } = await setup();
    const plan = await planReleaseImage(ctx, project, [], engine);
    const step = plan.image.steps.at(-1)!;
    expect(step.command.argv).toContain(plan.contextDir);
    expect(step.command.argv).toContain(plan.candidate);
    expect(plan.steps.map((s) => s.id)).toEqual([
      "context",
      "deps-requirements",
      "app-requirements",
      "context-times",
      ...plan.image.steps.map((s) => s.id),
      "check",
      "sbom",
      "sbom-image",
      ...plan.finalTags.map((t) => `tag:${t}`),
      "untag-candidate",
    ]);
  });
});
