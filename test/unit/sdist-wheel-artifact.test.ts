// A wheel built from an sdist as an OCI artefact (issue 13): composed and parsed back; every way an
// entry can lie (another type, two layers, a path as title, a digest that is not its sha256, another
// sdist, builder or platform than its tag names, too big) refused; the lookup and push planning.
import { describe, expect, it } from "vitest";
import type { ManifestWheel } from "../../src/domain/manifest.js";
import {
  composeSdistWheelArtifact,
  parseSdistWheelArtifact,
  planSdistLookup,
  SDIST_WHEEL_ARTIFACT,
  sdistWheelConfig,
  sdistWheelFacts,
  sdistWheelsToPush,
} from "../../src/domain/sdist-wheel-artifact.js";
import { sdistGroupPrefix, sdistWheelGroup, sdistWheelTag } from "../../src/domain/sdist-wheel-key.js";

const SDIST = "c".repeat(64);
const WHEEL_SHA = "d".repeat(64);
const group = sdistWheelGroup("image:abc", "linux/amd64");
const built: ManifestWheel & { sdist: { name: string; sha256: string } } = {
  name: "cext",
  version: "1.0",
  filename: "cext-1.0-cp311-cp311-linux_x86_64.whl",
  size: 1234,
  sha256: WHEEL_SHA,
  origin: "built",
  sets: ["runtime"],
  requires: [],
  license: {},
  sdist: { name: "cext-1.0.tar.gz", sha256: SDIST },
};

function artefact() {
  const facts = sdistWheelFacts(built, group);
  return composeSdistWheelArtifact(facts, {
    config: { digest: `sha256:${"e".repeat(64)}`, size: sdistWheelConfig(facts).length },
    project: "acme/demo",
    created: "2026-11-30T00:00:00.000Z",
  });
}
const expected = { group, sdistSha256: SDIST, maxWheelBytes: 10_000 };
const parse = (value: unknown) => parseSdistWheelArtifact(JSON.parse(JSON.stringify(value)), expected);

describe("a wheel built from an sdist as an OCI artefact", () => {
  it("round-trips, with its own artifact type and the annotations a reader needs", () => {
    const made = artefact();
    expect(made.artifactType).toBe(SDIST_WHEEL_ARTIFACT);
    expect(made.annotations).toMatchObject({
      "io.wheelwright.wheel.name": "cext",
      "io.wheelwright.wheel.version": "1.0",
      "io.wheelwright.sdist.sha256": SDIST,
      "io.wheelwright.builder": "image:abc",
      "io.wheelwright.platform": "linux/amd64",
      "io.wheelwright.wheel.abi": "cp311",
      "io.wheelwright.wheel.platform": "linux_x86_64",
    });
    expect(parse(made)).toEqual({
      layer: { filename: built.filename, digest: `sha256:${WHEEL_SHA}`, size: 1234, sha256: WHEEL_SHA },
      name: "cext",
      version: "1.0",
    });
  });

  it("the config blob is the same bytes for the same wheel (canonical JSON)", () => {
    const facts = sdistWheelFacts(built, group);
    const reordered = Object.fromEntries(Object.entries(facts).reverse()) as typeof facts;
    expect(sdistWheelConfig(reordered).equals(sdistWheelConfig(facts))).toBe(true);
  });

  it("refuses every lying or foreign entry, saying why", () => {
    const cases: [string, (a: ReturnType<typeof artefact>) => void, RegExp][] = [
      ["type", (a) => ((a as { artifactType: string }).artifactType = "application/x"), /artifact type/],
      ["two layers", (a) => (a as { layers: unknown[] }).layers.push(a.layers[0]), /exactly one layer/],
      [
        "a path as title",
        (a) => (a.layers[0].annotations!["org.opencontainers.image.title"] = "../x-1.0-py3-none-any.whl"),
        /not a plain wheel file name/,
      ],
      ["digest", (a) => (a.layers[0].digest = `sha256:${"f".repeat(64)}`), /not the sha256 it names/],
      ["too big", (a) => (a.layers[0].size = 10_001), /at most 10000/],
      [
        "another sdist",
        (a) => (a.annotations["io.wheelwright.sdist.sha256"] = "0".repeat(64)),
        /foreign entry/,
      ],
      ["another builder", (a) => (a.annotations["io.wheelwright.builder"] = "image:zzz"), /foreign entry/],
      [
        "another platform",
        (a) => (a.annotations["io.wheelwright.platform"] = "linux/arm64"),
        /foreign entry/,
      ],
      ["no name", (a) => delete a.annotations["io.wheelwright.wheel.name"], /no wheel name/],
    ];
    for (const [what, damage, message] of cases) {
      const made = artefact();
      damage(made);
      expect(() => parse(made), what).toThrow(message);
    }
  });

  it("the lookup takes this group's tags only, sorted, at most the limit", () => {
    const tags = [
      sdistWheelTag(group, "2".repeat(64)),
      `set-${"0".repeat(64)}`,
      sdistWheelTag({ ...group, builder: "image:other" }, "3".repeat(64)),
      sdistWheelTag(group, "1".repeat(64)),
      "latest",
    ];
    const plan = planSdistLookup(tags, sdistGroupPrefix(group), 1);
    expect(plan).toEqual({
      entries: [{ tag: sdistWheelTag(group, "1".repeat(64)), sdistSha256: "1".repeat(64) }],
      leftOut: 1,
    });
  });

  it("pushes the wheels compiled from sdists: not the app, not fetched ones, not those taken from the cache", () => {
    const app = { ...built, name: "demo", filename: "demo-1.0-py3-none-any.whl", sdist: undefined };
    const fetched = {
      ...built,
      name: "six",
      filename: "six-1.0-py3-none-any.whl",
      origin: "fetched" as const,
    };
    const other = {
      ...built,
      name: "tinydep",
      filename: "tinydep-1.0-py3-none-any.whl",
      sdist: { name: "tinydep-1.0.tar.gz", sha256: "9".repeat(64) },
    };
    const wanted = sdistWheelsToPush([app, fetched, built, other], "demo", new Set([other.filename]), group);
    expect(wanted).toEqual([{ wheel: built, tag: sdistWheelTag(group, SDIST) }]);
  });
});
