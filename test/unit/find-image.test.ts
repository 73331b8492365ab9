import { describe, expect, it } from "vitest";
import type { Engine, ImageInfo } from "../../src/engine/engine.js";
import { findImageByContent } from "../../src/execute/find-image.js";
import { FakeEngine } from "../support/fake-engine.js";

const LABELS = {
  "io.wheelwright.project": "acme/demo",
  "io.wheelwright.context": "base",
  "io.wheelwright.context-hash": "abc123",
};

describe("finding an image of the same content", () => {
  it("asks the engine for tagged images only, so the stage images every release leaves are never inspected", async () => {
    const engine = new FakeEngine();
    // Untagged stage images of earlier multi-stage builds carry the base's labels too.
    const stages = [1, 2, 3].map((n) => engine.addImage(`stage-${n}`, LABELS));
    for (const n of [1, 2, 3]) engine.tags.delete(`stage-${n}`);
    engine.addImage("acme/demo-base:0123456789ab", LABELS);
    engine.tags.set("acme/demo-base:latest", engine.tags.get("acme/demo-base:0123456789ab")!);
    const inspected: string[] = [];
    const listed: unknown[] = [];
    const recording = new Proxy(engine, {
      get(target, key, receiver) {
        if (key === "inspectImage")
          return (reference: string): Promise<ImageInfo | undefined> => {
            inspected.push(reference);
            return target.inspectImage(reference);
          };
        if (key === "listImages")
          return (filter: Parameters<Engine["listImages"]>[0]) => {
            listed.push(filter);
            return target.listImages(filter);
          };
        return Reflect.get(target, key, receiver);
      },
    }) as Engine;
    const found = await findImageByContent(recording, {
      repository: "acme/demo-base",
      preferredTag: "acme/demo-base:latest",
      labels: LABELS,
    });
    expect(found).toBe("acme/demo-base:latest");
    expect(listed).toEqual([{ labels: expect.any(Array), dangling: false }]);
    for (const stage of stages) expect(inspected).not.toContain(stage);
    expect(inspected).toHaveLength(1);
  });
});
