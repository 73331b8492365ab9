import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sha256File, sha256FileSync } from "../../src/project/file-hash.js";

const dir = mkdtempSync(path.join(tmpdir(), "wheelwright-hash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileOf(name: string, content: Buffer): { file: string; expected: string } {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return { file, expected: createHash("sha256").update(content).digest("hex") };
}

describe("sha256 of a file", () => {
  it.each([
    ["empty", 0],
    ["one byte", 1],
    ["exactly one buffer", 1024 * 1024],
    ["several buffers and a remainder", 3 * 1024 * 1024 + 17],
  ])("hashes a file that is %s (sync and async agree with a one-shot hash)", async (name, size) => {
    const { file, expected } = fileOf(name.replace(/\W+/g, "-"), randomBytes(size));
    expect(sha256FileSync(file)).toBe(expected);
    expect(await sha256File(file)).toBe(expected);
  });

  it("reports a missing file as an error, not a hash", async () => {
    const missing = path.join(dir, "missing");
    expect(() => sha256FileSync(missing)).toThrow(/ENOENT/);
    await expect(sha256File(missing)).rejects.toThrow(/ENOENT/);
  });
});
