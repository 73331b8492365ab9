// Issue 8: `release` ships only wheels an installer would accept. pip's --require-hashes checks a
// file's hash, never its RECORD, so a wheel whose RECORD lies (its file hash and the manifest's
// agreeing) must be refused by wheelwright before any image is built.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/load.js";
import { IntegrityError } from "../../src/errors.js";
import { planReleaseImage, releaseImage } from "../../src/workflows/release-image.js";
import { FakeEngine } from "../support/fake-engine.js";
import { testContext, writeProject, writeWheelhouse } from "../support/workflow-context.js";
import { recordHash, wheelMembers, zipBytes } from "./builders/wheel-zip.js";

describe("release verifies every wheel it ships (fake engine)", () => {
  it("a wheel whose RECORD lies about a member: exit 7 naming wheel and member, no image built or tagged", async () => {
    const engine = new FakeEngine();
    engine.addImage("debian:bookworm-slim");
    const { ctx, tmp } = testContext({ engine });
    const project = loadProject({ cwd: writeProject(path.join(tmp, "project")), env: ctx.env, flags: {} });
    const lying = await zipBytes(
      wheelMembers({
        name: "tinydep",
        version: "1.0",
        files: [{ name: "tinydep.py", data: "VALUE = 1\n" }],
        metadata: "Metadata-Version: 2.1\nName: tinydep\nVersion: 1.0\n",
        editRecord: (record) => record.replace(recordHash("VALUE = 1\n"), recordHash("VALUE = 2\n")),
      }),
    );
    await writeWheelhouse(ctx, project, [
      { name: "demo", version: "0.1.0", sets: ["runtime"] },
      { name: "tinydep", version: "1.0", sets: ["runtime"], content: lying },
    ]);
    const plan = await planReleaseImage(ctx, project, [], engine);
    const error = await releaseImage(ctx, project, plan, engine).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).exitCode).toBe(7);
    expect((error as Error).message).toBe(
      "tinydep-1.0-py3-none-any.whl: tinydep.py: its sha256 does not match RECORD",
    );
    expect(engine.calls.filter((call) => call.verb === "buildImage")).toEqual([]);
    expect([...engine.tags.keys()].filter((tag) => tag.startsWith("acme/demo-release"))).toEqual([]);
  });

  it("sound wheels pass and the release goes on to build", async () => {
    const engine = new FakeEngine();
    engine.addImage("debian:bookworm-slim");
    const { ctx, tmp } = testContext({ engine });
    const project = loadProject({ cwd: writeProject(path.join(tmp, "project")), env: ctx.env, flags: {} });
    await writeWheelhouse(ctx, project, [{ name: "demo", version: "0.1.0", sets: ["runtime"] }]);
    const plan = await planReleaseImage(ctx, project, [], engine);
    await releaseImage(ctx, project, plan, engine);
    expect(engine.calls.filter((call) => call.verb === "buildImage").length).toBeGreaterThan(0);
  });
});
