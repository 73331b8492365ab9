// The per-sdist cache key (issue 13): every part that decides a wheel's bytes changes the tag, the
// group is a prefix shared by one builder's entries, and the constants it relies on are the helper's.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isWheelSetTag } from "../../src/domain/cache-ref.js";
import {
  DEPENDENCY_SOURCE_DATE_EPOCH,
  HELPER_VERSION,
  isSdistWheelTag,
  sdistGroupPrefix,
  sdistShaOfTag,
  sdistWheelGroup,
  sdistWheelTag,
} from "../../src/domain/sdist-wheel-key.js";

const SHA = "0123456789abcdef".repeat(4);
const group = sdistWheelGroup("image:abc123", "linux/amd64");

describe("the per-sdist cache key", () => {
  it("is sdist-<24 hex group>-<sdist sha256>, a valid tag, never taken for a wheel set's", () => {
    const tag = sdistWheelTag(group, SHA);
    expect(tag).toMatch(new RegExp(`^sdist-[0-9a-f]{24}-${SHA}$`));
    expect(tag.length).toBeLessThanOrEqual(128);
    expect(isSdistWheelTag(tag)).toBe(true);
    expect(isWheelSetTag(tag)).toBe(false);
    expect(tag.startsWith(sdistGroupPrefix(group))).toBe(true);
    expect(sdistWheelTag(group, SHA)).toBe(tag);
  });

  it("changes with the sdist, the builder, its platform, the epoch and the helper's version", () => {
    const tag = sdistWheelTag(group, SHA);
    const others = [
      sdistWheelTag(group, SHA.replace(/^0/, "1")),
      sdistWheelTag({ ...group, builder: "image:abc124" }, SHA),
      sdistWheelTag({ ...group, platform: "linux/arm64" }, SHA),
      sdistWheelTag({ ...group, sourceDateEpoch: group.sourceDateEpoch + 1 }, SHA),
      sdistWheelTag({ ...group, helperVersion: "9.9.9" }, SHA),
    ];
    expect(new Set([tag, ...others]).size).toBe(others.length + 1);
  });

  it("reads the sdist back only from its own group's tags", () => {
    const prefix = sdistGroupPrefix(group);
    expect(sdistShaOfTag(sdistWheelTag(group, SHA), prefix)).toBe(SHA);
    const other = sdistWheelTag({ ...group, platform: "linux/arm64" }, SHA);
    expect(sdistShaOfTag(other, prefix)).toBeUndefined();
    expect(sdistShaOfTag(`set-${SHA}`, prefix)).toBeUndefined();
    expect(sdistShaOfTag(`${prefix}${SHA.slice(1)}`, prefix)).toBeUndefined();
  });

  it("refuses a digest that is not a sha256 hex", () => {
    expect(() => sdistWheelTag(group, "ABC")).toThrow(/not a sha256/);
  });

  it("uses the epoch and version the helper builds dependencies with", () => {
    const read = (file: string) =>
      readFileSync(new URL(`../../assets/wheelwright_helper/${file}`, import.meta.url), "utf8");
    expect(read("pipeline.py")).toContain(`DEPENDENCY_SOURCE_DATE_EPOCH = ${DEPENDENCY_SOURCE_DATE_EPOCH}`);
    expect(read("__init__.py")).toContain(`__version__ = "${HELPER_VERSION}"`);
  });
});
