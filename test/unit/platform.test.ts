// Container platforms as engines and images name them, what a builder's platform means for a build
// (issue 14, item 3), and the refusal of a builder this machine cannot emulate.
import { describe, expect, it } from "vitest";
import type { LoadedProject } from "../../src/config/load.js";
import {
  emulatedText,
  judgeBuilderPlatform,
  normalizePlatform,
  parsePlatform,
  platformName,
  platformOf,
  samePlatform,
} from "../../src/domain/platform.js";
import { imageInfoOf } from "../../src/engine/image-info.js";
import { EngineFailureError } from "../../src/errors.js";
import { checkBuilderPlatform } from "../../src/workflows/builder-platform.js";
import { FakeEngine } from "../support/fake-engine.js";
import { testContext } from "../support/workflow-context.js";

describe("platform names", () => {
  it("reads engines' and images' fields: Go and uname names, arm64's default variant dropped", () => {
    expect(platformOf("linux", "amd64")).toBe("linux/amd64");
    expect(platformOf("linux", "x86_64")).toBe("linux/amd64");
    expect(platformOf("Linux", "aarch64")).toBe("linux/arm64");
    expect(platformOf("linux", "arm64", "v8")).toBe("linux/arm64");
    expect(platformOf("linux", "arm", "v7")).toBe("linux/arm/v7");
    expect(platformOf(undefined, undefined)).toBe("linux/unknown");
    expect(normalizePlatform("linux/arm64/v8")).toBe("linux/arm64");
    expect(samePlatform("linux/aarch64", "linux/arm64/v8")).toBe(true);
    expect(samePlatform("linux/arm64", "linux/amd64")).toBe(false);
  });

  it("as a manifest list names them: arm64's variant written out, amd64 without one", () => {
    expect(parsePlatform("linux/arm64")).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
    expect(parsePlatform("linux/aarch64")).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
    expect(parsePlatform("linux/amd64")).toEqual({ os: "linux", architecture: "amd64", variant: undefined });
    expect(platformName(parsePlatform("linux/arm/v7"))).toBe("linux/arm/v7");
  });

  it("an image's inspect output gives its platform", () => {
    const raw = {
      Id: "sha256:1",
      Created: "",
      RepoTags: [],
      Os: "linux",
      Architecture: "arm64",
      Variant: "v8",
    };
    expect(imageInfoOf(raw, "x").platform).toBe("linux/arm64");
  });
});

describe("the builder's platform", () => {
  it("native, emulated, or not the platform its target declares", () => {
    expect(judgeBuilderPlatform(undefined, "linux/amd64", "linux/amd64")).toEqual({
      kind: "native",
      platform: "linux/amd64",
    });
    expect(judgeBuilderPlatform("linux/arm64", "linux/arm64/v8", "linux/amd64")).toEqual({
      kind: "emulated",
      platform: "linux/arm64",
      engine: "linux/amd64",
    });
    expect(judgeBuilderPlatform("linux/arm64", "linux/amd64", "linux/amd64")).toEqual({
      kind: "mismatch",
      declared: "linux/arm64",
      image: "linux/amd64",
    });
    expect(emulatedText({ platform: "linux/arm64", engine: "linux/amd64" })).toMatch(
      /^linux\/arm64 under QEMU emulation on linux\/amd64: /,
    );
  });

  const project = { target: undefined } as unknown as LoadedProject;
  const arm64Image = {
    ...imageInfoOf({ Id: "sha256:1", Created: "", RepoTags: [] }, "b"),
    platform: "linux/arm64",
  };

  it("an engine on this machine that cannot emulate the builder's platform: refused with the kernel's reason", async () => {
    const engine = new FakeEngine();
    engine.endpoint = "unix:///var/run/docker.sock";
    const { ctx } = testContext({ engine });
    const refused = await checkBuilderPlatform(
      ctx,
      project,
      engine,
      arm64Image,
      "acme/demo-builder:x",
      () => ({
        platform: "linux/arm64",
        available: false,
        reason: "no qemu-aarch64 handler: apt-get install qemu-user-static binfmt-support",
      }),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EngineFailureError);
    expect((refused as EngineFailureError).message).toBe(
      "The builder image acme/demo-builder:x is linux/arm64, which this linux/amd64 machine cannot run: no qemu-aarch64 handler: apt-get install qemu-user-static binfmt-support",
    );
  });

  it("a remote engine's kernel is not this machine's: its emulation is not judged here", async () => {
    const engine = new FakeEngine();
    engine.endpoint = "ssh://builder@127.0.0.1";
    const { ctx, events } = testContext({ engine });
    const asked: string[] = [];
    const note = await checkBuilderPlatform(ctx, project, engine, arm64Image, "b", (platform) => {
      asked.push(platform);
      return { platform, available: false, reason: "never asked" };
    });
    expect(asked).toEqual([]);
    expect(note).toBe("emulated linux/arm64");
    expect(events).toContainEqual({
      type: "notice",
      message: expect.stringMatching(/^the builder runs linux\/arm64 under QEMU/),
    });
  });
});
