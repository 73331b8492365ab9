import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { tableCrc32, WINDOW_BYTES, WindowReader } from "../../src/execute/zip-window-reader.js";

const dir = mkdtempSync(path.join(tmpdir(), "wheelwright-window-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("WindowReader", () => {
  const content = randomBytes(3 * WINDOW_BYTES + 123);
  const file = path.join(dir, "data.bin");
  writeFileSync(file, content);

  it.each([
    ["the start", 0, 46],
    ["inside the window", 1000, 5000],
    ["across the window's end", WINDOW_BYTES - 10, 30],
    ["backwards, before the window", 5, 10],
    ["more than a window at once", 17, WINDOW_BYTES + 5],
    ["the last bytes", content.length - 22, 22],
  ])("reads %s as the file holds it", (_where, position, length) => {
    const fd = openSync(file, "r");
    try {
      const reader = new WindowReader(file, fd);
      reader.readInto(Buffer.alloc(8), 0, 8, 2 * WINDOW_BYTES); // a window elsewhere first
      const buffer = Buffer.alloc(length);
      expect(reader.readInto(buffer, 0, length, position)).toBe(length);
      expect(buffer.equals(content.subarray(position, position + length))).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  it("returns fewer bytes only past the end of the file", () => {
    const fd = openSync(file, "r");
    try {
      const buffer = Buffer.alloc(100);
      expect(new WindowReader(file, fd).readInto(buffer, 0, 100, content.length - 40)).toBe(40);
    } finally {
      closeSync(fd);
    }
  });
});

describe("tableCrc32 (for Node before 20.15)", () => {
  it("agrees with zlib's, chunk by chunk", () => {
    const data = randomBytes(10_000);
    const whole = zlib.crc32(data);
    expect(tableCrc32(data, 0)).toBe(whole);
    expect(tableCrc32(data.subarray(3000), tableCrc32(data.subarray(0, 3000), 0))).toBe(whole);
    expect(tableCrc32(Buffer.alloc(0), 0)).toBe(0);
  });
});
