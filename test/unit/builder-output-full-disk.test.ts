// receiveBuilderOutput on a full disk: a file named *diskfull* is opened on /dev/full, whose writes
// fail with ENOSPC (a real full disk). The unit tier shares modules between files (no isolation),
// so the receiver and its errors are imported afresh after the mock, never from another file's cache.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { streamOf, tarBytes } from "./builders/tar-stream.js";

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...actual,
    open: async (file: string, flags: string, mode: number) => {
      if (!String(file).includes("diskfull")) return actual.open(file, flags, mode);
      const handle = await actual.open("/dev/full", "w");
      return Object.assign(handle, { chmod: async () => {} });
    },
  };
});

let modules: {
  errors: typeof import("../../src/errors.js");
  output: typeof import("../../src/execute/builder-output.js");
};
const root = mkdtempSync(path.join(tmpdir(), "wheelwright-full-disk-"));
beforeAll(async () => {
  vi.resetModules();
  modules = {
    errors: await import("../../src/errors.js"),
    output: await import("../../src/execute/builder-output.js"),
  };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("receiveBuilderOutput on a full disk", () => {
  it("is a ResourceError naming the folder and the bytes being written, and removes intoDir", async () => {
    const staging = path.join(root, "project", ".wheelhouse.staging-run");
    mkdirSync(staging, { recursive: true });
    const intoDir = path.join(staging, "raw");
    const bytes = tarBytes([{ path: "out/deps/diskfull-1.0-py3-none-any.whl", body: randomBytes(200_000) }]);
    const { receiveBuilderOutput, DEFAULT_OUTPUT_LIMITS } = modules.output;
    const error = await receiveBuilderOutput(streamOf(bytes), intoDir, DEFAULT_OUTPUT_LIMITS).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(modules.errors.ResourceError);
    const resource = error as InstanceType<typeof modules.errors.ResourceError>;
    expect(resource.exitCode).toBe(11);
    expect(resource.message).toContain(intoDir);
    expect(resource.message).toContain("200000 bytes");
    expect(resource.message).toContain("ENOSPC");
    expect(existsSync(intoDir), "intoDir is removed after a refusal").toBe(false);
  });
});
