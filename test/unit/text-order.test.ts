// The one order wheelwright sorts names in: by code unit, whatever the machine's locale, and with
// no call that loads ICU's collator (localeCompare) on a path a no-op `build` takes.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareText } from "../../src/domain/text-order.js";

const SRC = path.resolve(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(path.join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [path.join(dir, entry.name)]
        : [],
  );
}

describe("compareText", () => {
  it("orders by code unit: capitals, then '_', then small letters; a prefix first", () => {
    expect(["b", "a-b", "B", "_x", "a", "ab", "a0"].sort(compareText)).toEqual([
      "B",
      "_x",
      "a",
      "a-b",
      "a0",
      "ab",
      "b",
    ]);
  });

  it("says equal strings are equal, and is antisymmetric", () => {
    expect(compareText("release", "release")).toBe(0);
    expect(compareText("base", "builder")).toBeLessThan(0);
    expect(compareText("builder", "base")).toBeGreaterThan(0);
  });

  it("is the only comparison src/ sorts text with (no localeCompare)", () => {
    const users = sourceFiles(SRC).filter((file) => readFileSync(file, "utf8").includes(".localeCompare("));
    expect(users.map((file) => path.relative(SRC, file))).toEqual([]);
  });
});
