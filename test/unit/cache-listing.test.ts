// `cache ls|prune`'s pure parts (issue 13): an entry read from a wheel set's or an sdist wheel's
// manifest (its kind, name, version, platform, size, created, project), anything else not one; the
// prune plan: the newest N sets, and the newest N of each sdist-built distribution per platform.
import { describe, expect, it } from "vitest";
import {
  type CacheEntry,
  cacheEntryOf,
  isCacheEntryTag,
  planCachePrune,
  sortCacheEntries,
} from "../../src/domain/cache-listing.js";
import { MANIFEST_SCHEMA_VERSION, type Manifest } from "../../src/domain/manifest.js";
import {
  composeSdistWheelArtifact,
  sdistWheelConfig,
  sdistWheelFacts,
} from "../../src/domain/sdist-wheel-artifact.js";
import { sdistWheelGroup, sdistWheelTag } from "../../src/domain/sdist-wheel-key.js";
import { composeWheelSetArtifact } from "../../src/domain/wheelset-artifact.js";

const HEX = (c: string) => c.repeat(64);
const SET_TAG = `set-${HEX("1")}`;
const group = sdistWheelGroup("image:abc", "linux/arm64");
const SDIST_TAG = sdistWheelTag(group, HEX("c"));

function setManifest(): Manifest {
  const wheel = (name: string, size: number) => ({
    name,
    version: "2.1",
    filename: `${name}-2.1-py3-none-any.whl`,
    size,
    sha256: HEX("a"),
    origin: "built" as const,
    sets: ["runtime"],
    requires: [],
    license: {},
  });
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    tool: "wheelwright test",
    inputs: {
      fingerprint: "fp",
      dependencyFingerprint: "dfp",
      builder: "image:abc",
      extras: [],
      groups: [],
      requirements: [],
      sourceDateEpoch: 1700000000,
    },
    app: { name: "demo", version: "2.1", filename: "demo-2.1-py3-none-any.whl", requires: [] },
    wheels: [wheel("demo", 100), wheel("tinydep", 250)],
  };
}

const bytesOf = (value: unknown) => Buffer.from(JSON.stringify(value));
const setBytes = () =>
  bytesOf(
    composeWheelSetArtifact(setManifest(), {
      config: { digest: `sha256:${HEX("e")}`, size: 10 },
      project: "acme/demo",
      created: "2026-11-01T00:00:00.000Z",
    }),
  );
const sdistBytes = () => {
  const facts = sdistWheelFacts(
    {
      name: "cext",
      version: "1.0",
      filename: "cext-1.0-cp311-cp311-linux_aarch64.whl",
      size: 4321,
      sha256: HEX("d"),
      origin: "built",
      sets: ["runtime"],
      requires: [],
      license: {},
      sdist: { name: "cext-1.0.tar.gz", sha256: HEX("c") },
    },
    group,
  );
  return bytesOf(
    composeSdistWheelArtifact(facts, {
      config: { digest: `sha256:${HEX("f")}`, size: sdistWheelConfig(facts).length },
      project: "acme/demo",
      created: "2026-11-02T00:00:00.000Z",
    }),
  );
};

describe("a cache entry read from its manifest", () => {
  it("a wheel set: kind set, the app's name and version, its wheel count and size", () => {
    expect(cacheEntryOf(SET_TAG, `sha256:${HEX("9")}`, setBytes())).toEqual({
      project: "acme/demo",
      entry: {
        kind: "set",
        tag: SET_TAG,
        digest: `sha256:${HEX("9")}`,
        name: "demo",
        version: "2.1",
        platform: "builder",
        created: "2026-11-01T00:00:00.000Z",
        size: 350,
        wheels: 2,
      },
    });
  });

  it("an sdist wheel: kind sdist wheel, the wheel's name, version, builder platform and layer size", () => {
    expect(cacheEntryOf(SDIST_TAG, `sha256:${HEX("8")}`, sdistBytes())).toEqual({
      project: "acme/demo",
      entry: {
        kind: "sdist wheel",
        tag: SDIST_TAG,
        digest: `sha256:${HEX("8")}`,
        name: "cext",
        version: "1.0",
        platform: "linux/arm64",
        created: "2026-11-02T00:00:00.000Z",
        size: 4321,
        wheels: 1,
      },
    });
  });

  it("not an entry: another kind under the tag than the tag names, not JSON, no annotations, a foreign tag", () => {
    expect(cacheEntryOf(SDIST_TAG, "sha256:x", setBytes())).toBeUndefined();
    expect(cacheEntryOf(SET_TAG, "sha256:x", sdistBytes())).toBeUndefined();
    expect(cacheEntryOf(SET_TAG, "sha256:x", Buffer.from("{not json"))).toBeUndefined();
    expect(cacheEntryOf(SET_TAG, "sha256:x", bytesOf({ artifactType: "x" }))).toBeUndefined();
    expect(cacheEntryOf("latest", "sha256:x", setBytes())).toBeUndefined();
    expect([SET_TAG, SDIST_TAG, "latest", `sdist-${HEX("c")}`].map(isCacheEntryTag)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

let serial = 0;
function entry(kind: CacheEntry["kind"], name: string, day: number, platform = "linux/amd64"): CacheEntry {
  serial++;
  return {
    kind,
    tag:
      kind === "set"
        ? `set-${String(serial).padStart(64, "0")}`
        : `sdist-${String(serial).padStart(88, "0")}`,
    digest: `sha256:${String(serial).padStart(64, "0")}`,
    name,
    version: "1.0",
    platform,
    created: `2026-11-${String(day).padStart(2, "0")}T00:00:00.000Z`,
    size: 1,
    wheels: 1,
  };
}
const tagsOf = (entries: readonly CacheEntry[]) => entries.map((e) => e.tag).sort();

describe("the prune plan", () => {
  it("keeps the newest N sets, and the newest N of each sdist-built distribution per platform", () => {
    const sets = [entry("set", "demo", 1), entry("set", "demo", 3), entry("set", "demo", 2)];
    const cextAmd = [entry("sdist wheel", "cext", 1), entry("sdist wheel", "cext", 4)];
    const cextArm = [entry("sdist wheel", "cext", 2, "linux/arm64")];
    // Another spelling of the same distribution is the same one (PEP 503).
    const tiny = [entry("sdist wheel", "Tiny_Dep", 5), entry("sdist wheel", "tiny-dep", 6)];
    const all = [...sets, ...cextAmd, ...cextArm, ...tiny];
    const plan = planCachePrune(all, 1);
    expect(tagsOf(plan.kept)).toEqual(tagsOf([sets[1]!, cextAmd[1]!, cextArm[0]!, tiny[1]!]));
    expect(tagsOf(plan.deleted)).toEqual(tagsOf([sets[0]!, sets[2]!, cextAmd[0]!, tiny[0]!]));
    expect(plan.kept).toEqual(sortCacheEntries(plan.kept));
    expect(plan.kept[0]!.created).toBe("2026-11-06T00:00:00.000Z");
  });

  it("--keep 0 deletes every entry; a --keep above the count deletes none", () => {
    const all = [entry("set", "demo", 1), entry("sdist wheel", "cext", 2)];
    expect(planCachePrune(all, 0)).toEqual({ kept: [], deleted: sortCacheEntries(all) });
    expect(planCachePrune(all, 5)).toEqual({ kept: sortCacheEntries(all), deleted: [] });
  });

  it("an entry sharing its manifest digest with a kept one is kept (a delete removes every tag on it)", () => {
    const newer = entry("set", "demo", 2);
    const older = { ...entry("set", "demo", 1), digest: newer.digest };
    const plan = planCachePrune([older, newer], 1);
    expect(plan.deleted).toEqual([]);
    expect(tagsOf(plan.kept)).toEqual(tagsOf([older, newer]));
  });
});
