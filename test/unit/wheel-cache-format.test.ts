// The registry wheel cache's pure parts (issue 13): the repository reference, the tag a set is
// stored under, the OCI artefact composed and parsed (a hostile one refused), the auth challenge.
import { describe, expect, it } from "vitest";
import { cacheRefProblem, isWheelSetTag, parseCacheRef, wheelSetTag } from "../../src/domain/cache-ref.js";
import { tagProblem } from "../../src/domain/image-ref.js";
import { MANIFEST_SCHEMA_VERSION, type Manifest } from "../../src/domain/manifest.js";
import { parseChallenge, tokenUrl } from "../../src/domain/registry-challenge.js";
import {
  composeWheelSetArtifact,
  parseWheelSetArtifact,
  WHEEL_LAYER,
  WHEELSET_ARTIFACT,
  WHEELSET_CONFIG,
  wheelSetManifestOf,
} from "../../src/domain/wheelset-artifact.js";

const HEX = (c: string) => c.repeat(64);
const LIMITS = { maxLayers: 10, maxWheelBytes: 1000, maxTotalBytes: 1500 };

function manifest(): Manifest {
  const wheel = (name: string, sha: string, size: number) => ({
    name,
    version: "1.0",
    filename: `${name}-1.0-py3-none-any.whl`,
    size,
    sha256: HEX(sha),
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
    app: { name: "demo", version: "1.0", filename: "demo-1.0-py3-none-any.whl", requires: [] },
    wheels: [wheel("demo", "a", 100), wheel("tinydep", "b", 200)],
  };
}

const composed = () =>
  composeWheelSetArtifact(manifest(), {
    config: { digest: `sha256:${HEX("c")}`, size: 10 },
    project: "acme/demo",
    created: "2024-01-01T00:00:00.000Z",
  });
/** The composed artefact as the registry would serve it, with `edit` applied. */
const served = (
  edit: (artefact: Record<string, unknown> & { layers: Record<string, unknown>[] }) => void,
) => {
  const artefact = JSON.parse(JSON.stringify(composed()));
  edit(artefact);
  return artefact;
};

describe("the cache reference", () => {
  it("needs a registry host and a repository; plain http only for loopback", () => {
    expect(parseCacheRef("127.0.0.1:5000/acme/wheels")).toEqual({
      text: "127.0.0.1:5000/acme/wheels",
      registry: "127.0.0.1:5000",
      repository: "acme/wheels",
      baseUrl: "http://127.0.0.1:5000",
    });
    expect(parseCacheRef("localhost:5000/w").baseUrl).toBe("http://localhost:5000");
    expect(parseCacheRef("registry.example:443/team/wheels").baseUrl).toBe("https://registry.example:443");
    expect(cacheRefProblem("acme/wheels")).toMatch(/names no registry host/);
    expect(cacheRefProblem("127.0.0.1:5000/Acme")).toMatch(/uppercase/);
    expect(cacheRefProblem("127.0.0.1:5000/acme/wheels:latest")).toMatch(/names a tag or digest/);
    expect(cacheRefProblem("127.0.0.1:5000/acme wheels")).toMatch(/whitespace/);
    expect(cacheRefProblem("127.0.0.1:5000/acme/../x")).toMatch(/component '\.\.'/);
  });
});

describe("the cache tag", () => {
  const key = { fingerprint: "f".repeat(64), builder: "local:python 3.11.2 23.0", sourceDateEpoch: 1 };

  it("is set-<sha256 hex> of the key: a valid tag, stable, changed by each part", () => {
    const tag = wheelSetTag(key);
    expect(tag).toMatch(/^set-[0-9a-f]{64}$/);
    expect(tagProblem(tag)).toBeUndefined();
    expect(isWheelSetTag(tag)).toBe(true);
    expect(wheelSetTag({ ...key })).toBe(tag);
    const others = [
      { ...key, fingerprint: "e".repeat(64) },
      { ...key, builder: "image:abc" },
      { ...key, sourceDateEpoch: 2 },
      { ...key, sourceDateEpoch: undefined },
    ].map(wheelSetTag);
    expect(new Set([tag, ...others]).size).toBe(5);
  });

  it("tells its own tags from others in a shared repository", () => {
    expect(isWheelSetTag("latest")).toBe(false);
    expect(isWheelSetTag(`set-${"A".repeat(64)}`)).toBe(false);
    expect(isWheelSetTag(`set-${"a".repeat(63)}`)).toBe(false);
  });
});

describe("the wheel set artefact", () => {
  it("is an OCI manifest with wheelwright's artifact and media types, a layer per wheel, annotated", () => {
    const artefact = composed();
    expect(artefact).toMatchObject({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      artifactType: WHEELSET_ARTIFACT,
      config: { mediaType: WHEELSET_CONFIG, digest: `sha256:${HEX("c")}`, size: 10 },
    });
    expect(artefact.layers[1]).toEqual({
      mediaType: WHEEL_LAYER,
      digest: `sha256:${HEX("b")}`,
      size: 200,
      annotations: {
        "org.opencontainers.image.title": "tinydep-1.0-py3-none-any.whl",
        "io.wheelwright.wheel.name": "tinydep",
        "io.wheelwright.wheel.version": "1.0",
        "io.wheelwright.wheel.sha256": HEX("b"),
        "io.wheelwright.wheel.platform": "any",
      },
    });
    expect(artefact.annotations).toMatchObject({
      "io.wheelwright.project": "acme/demo",
      "io.wheelwright.wheels": "2",
      "io.wheelwright.size": "300",
      "io.wheelwright.builder": "image:abc",
    });
    const parsed = parseWheelSetArtifact(JSON.parse(JSON.stringify(artefact)), LIMITS);
    expect(parsed.layers.map((layer) => [layer.filename, layer.sha256, layer.size])).toEqual([
      ["demo-1.0-py3-none-any.whl", HEX("a"), 100],
      ["tinydep-1.0-py3-none-any.whl", HEX("b"), 200],
    ]);
  });

  type Served = Record<string, unknown> & { layers: Record<string, unknown>[] };
  const title = (layer: Record<string, unknown>, value: string) => {
    (layer.annotations as Record<string, string>)["org.opencontainers.image.title"] = value;
  };
  const hostile: [string, (a: Served) => void, RegExp][] = [
    [
      "a wrong manifest media type",
      (a) => {
        a.mediaType = "application/vnd.docker.distribution.manifest.v2+json";
      },
      /media type/,
    ],
    [
      "another artifact type",
      (a) => {
        a.artifactType = "application/vnd.other+json";
      },
      /artifact type/,
    ],
    [
      "a layer of another media type",
      (a) => {
        a.layers[0]!.mediaType = "application/vnd.oci.image.layer.v1.tar";
      },
      /media type/,
    ],
    [
      "too many layers",
      (a) => {
        a.layers = Array.from({ length: 11 }, () => a.layers[0]!);
      },
      /11 layers/,
    ],
    [
      "no layers",
      (a) => {
        a.layers = [];
      },
      /0 layers/,
    ],
    [
      "a huge layer",
      (a) => {
        a.layers[0]!.size = 10 ** 12;
      },
      /bytes \(at most 1000/,
    ],
    [
      "too many bytes in all",
      (a) => {
        a.layers[0]!.size = 900;
        a.layers[1]!.size = 900;
      },
      /1800 bytes/,
    ],
    [
      "a title with /",
      (a) => title(a.layers[0]!, "../demo-1.0-py3-none-any.whl"),
      /not a plain wheel file name/,
    ],
    ["a title with ..", (a) => title(a.layers[0]!, ".."), /not a plain wheel file name/],
    [
      "two layers of one name",
      (a) => title(a.layers[1]!, "demo-1.0-py3-none-any.whl"),
      /two layers are named demo/,
    ],
    [
      "a digest that is not the named sha256",
      (a) => {
        a.layers[0]!.digest = `sha256:${HEX("d")}`;
      },
      /not the sha256 it names/,
    ],
    [
      "a digest of another algorithm",
      (a) => {
        a.layers[0]!.digest = `sha512:${"a".repeat(128)}`;
      },
      /no sha256 digest/,
    ],
  ];
  it.each(hostile)("refuses %s", (_what, edit, message) => {
    expect(() => parseWheelSetArtifact(served(edit), LIMITS)).toThrow(message);
  });

  it("takes the config as the set's manifest only when it matches the key and the layers", () => {
    const layers = parseWheelSetArtifact(
      served(() => undefined),
      LIMITS,
    ).layers;
    const expected = {
      fingerprint: "fp",
      builder: "image:abc",
      sourceDateEpoch: 1700000000,
      app: "demo",
      sets: ["runtime"],
    };
    const text = JSON.stringify(manifest());
    expect(wheelSetManifestOf(text, layers, expected).wheels).toHaveLength(2);
    expect(() => wheelSetManifestOf(text, layers, { ...expected, fingerprint: "other" })).toThrow(/foreign/);
    expect(() => wheelSetManifestOf(text, layers, { ...expected, builder: "image:def" })).toThrow(/foreign/);
    expect(() => wheelSetManifestOf(text, layers, { ...expected, sourceDateEpoch: 1 })).toThrow(
      /SOURCE_DATE_EPOCH/,
    );
    expect(() => wheelSetManifestOf(text, layers, { ...expected, app: "other" })).toThrow(
      /demo's, not other's/,
    );
    expect(() => wheelSetManifestOf("{", layers, expected)).toThrow(/not JSON/);
    expect(() => wheelSetManifestOf(text, layers.slice(1), expected)).toThrow(/other wheels/);
    const lying = manifest();
    lying.wheels[1]!.sha256 = HEX("e");
    expect(() => wheelSetManifestOf(JSON.stringify(lying), layers, expected)).toThrow(/tinydep.*disagree/);
    const widened = manifest();
    widened.wheels[0]!.sets = ["runtime", "extra:evil"];
    expect(() => wheelSetManifestOf(JSON.stringify(widened), layers, expected)).toThrow(/sets other than/);
    const sdist = manifest();
    sdist.wheels[1]!.sdist = { name: "tinydep-1.0.tar.gz", sha256: "../x" };
    expect(() => wheelSetManifestOf(JSON.stringify(sdist), layers, expected)).toThrow(/malformed sdist/);
  });
});

describe("the registry's auth challenge", () => {
  it("reads a Bearer challenge's realm, service and scope, quoted or not", () => {
    const challenge = parseChallenge(
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:acme/wheels:pull"',
    );
    expect(challenge).toEqual({
      scheme: "bearer",
      realm: "https://auth.example/token",
      service: "registry.example",
      scope: "repository:acme/wheels:pull",
    });
    expect(tokenUrl(challenge as never, "repository:acme/wheels:pull,push")).toBe(
      "https://auth.example/token?service=registry.example&scope=repository%3Aacme%2Fwheels%3Apull",
    );
    expect(parseChallenge("bearer realm=https://a.example/t, service=r")).toMatchObject({
      realm: "https://a.example/t",
      service: "r",
      scope: undefined,
    });
  });

  it("reads Basic; refuses a Bearer without a URL realm, and schemes it does not speak", () => {
    expect(parseChallenge('Basic realm="wheelwright-test"')).toEqual({
      scheme: "basic",
      realm: "wheelwright-test",
    });
    expect(parseChallenge('Bearer service="x"')).toBeUndefined();
    expect(parseChallenge('Bearer realm="file:///etc/passwd"')).toBeUndefined();
    expect(parseChallenge("Negotiate abc")).toBeUndefined();
    expect(parseChallenge(null)).toBeUndefined();
  });

  it("uses the scope asked when the challenge names none", () => {
    const challenge = parseChallenge('Bearer realm="https://a.example/t"');
    expect(tokenUrl(challenge as never, "repository:acme/wheels:delete")).toBe(
      "https://a.example/t?scope=repository%3Aacme%2Fwheels%3Adelete",
    );
  });
});
