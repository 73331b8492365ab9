// The provenance statement (issue 13): composed with index URLs redacted, parsed back strictly, and
// hostile statements refused with a reason.
import { describe, expect, it } from "vitest";
import {
  BUILD_TYPE,
  composeProvenance,
  MAX_STATEMENT_BYTES,
  type ProvenanceInputs,
  parseProvenance,
  redactIndexUrl,
} from "../../src/domain/provenance.js";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const sha = (c: string) => c.repeat(64);

function inputs(overrides: Partial<ProvenanceInputs> = {}): ProvenanceInputs {
  return {
    repository: "127.0.0.1:5000/acme/polls-release",
    digest: `sha256:${sha("d")}`,
    command: "wheelwright push v1",
    target: undefined,
    extras: [],
    groups: ["dev"],
    indexUrl: "https://alice:s3cret-PW@pypi.internal.example/simple?token=tok-XYZ#frag",
    extraIndexUrls: ["https://tok-ABC@mirror.example/simple", "file:///opt/pypi-more/simple"],
    findLinks: ["/opt/wheels", "https://bob:pw-2@links.example/wheels/?sig=abc"],
    sourceDateEpoch: 1700000000,
    source: { uri: "git+https://carol:****@git.example/acme/polls.git", commit: COMMIT },
    builder: { reference: "acme/polls-builder:abc", id: `sha256:${sha("b")}`, identity: "images:123" },
    base: { reference: "acme/polls-base:abc", id: undefined },
    manifest: {
      sha256: sha("e"),
      fingerprint: "fp",
      wheels: [
        { name: "polls", version: "0.1.0", sha256: sha("1") },
        { name: "Django", version: "4.2.1", sha256: sha("2") },
      ],
    },
    otherDistributions: [{ name: "pip", version: "23.0.1" }],
    toolVersion: "0.1.0",
    runId: "run123",
    startedOn: "2026-11-30T10:00:00.000Z",
    finishedOn: "2026-11-30T10:00:05.000Z",
    ...overrides,
  };
}

describe("redactIndexUrl", () => {
  it("drops user, password, token, query string and fragment; keeps file URLs and paths", () => {
    expect(redactIndexUrl("https://alice:s3cret@host.example/simple?token=t#x")).toBe(
      "https://host.example/simple",
    );
    expect(redactIndexUrl("https://tok-ABC@host.example/simple/")).toBe("https://host.example/simple/");
    expect(redactIndexUrl("file:///opt/pypi/simple")).toBe("file:///opt/pypi/simple");
    expect(redactIndexUrl("/opt/wheels")).toBe("/opt/wheels");
  });
});

describe("composeProvenance", () => {
  const statement = composeProvenance(inputs());
  const text = JSON.stringify(statement);

  it("is an in-toto v1 statement about the pushed digest with an SLSA v1 predicate", () => {
    expect(statement._type).toBe("https://in-toto.io/Statement/v1");
    expect(statement.subject).toEqual([
      { name: "127.0.0.1:5000/acme/polls-release", digest: { sha256: sha("d") } },
    ]);
    expect(statement.predicateType).toBe("https://slsa.dev/provenance/v1");
    expect(statement.predicate.buildDefinition.buildType).toBe(BUILD_TYPE);
    expect(statement.predicate.runDetails.metadata).toEqual({
      invocationId: "run123",
      startedOn: "2026-11-30T10:00:00.000Z",
      finishedOn: "2026-11-30T10:00:05.000Z",
    });
  });

  it("holds no credential, token or query string of any index URL", () => {
    for (const secret of [
      "s3cret-PW",
      "tok-XYZ",
      "tok-ABC",
      "pw-2",
      "sig=abc",
      "alice",
      "bob",
      "carol",
      "****",
    ])
      expect(text).not.toContain(secret);
    expect(statement.predicate.buildDefinition.externalParameters.index).toEqual({
      indexUrl: "https://pypi.internal.example/simple",
      extraIndexUrls: ["https://mirror.example/simple", "file:///opt/pypi-more/simple"],
      findLinks: ["/opt/wheels", "https://links.example/wheels/"],
    });
  });

  it("resolves the commit, the images, the manifest and each wheel", () => {
    const deps = statement.predicate.buildDefinition.resolvedDependencies;
    expect(deps.find((d) => d.name === "source")).toEqual({
      name: "source",
      uri: `git+https://git.example/acme/polls.git@${COMMIT}`,
      digest: { gitCommit: COMMIT },
    });
    expect(deps.find((d) => d.name === "builder-image")?.digest).toEqual({ sha256: sha("b") });
    expect(deps.find((d) => d.name === "base-image")?.digest).toBeUndefined();
    expect(deps.find((d) => d.name === "manifest.json")?.digest).toEqual({ sha256: sha("e") });
    expect(deps.filter((d) => d.name?.startsWith("wheel:")).map((d) => d.uri)).toEqual([
      "pkg:pypi/django@4.2.1",
      "pkg:pypi/polls@0.1.0",
    ]);
  });

  it("parses back: commit, wheels, other distributions, tool version", () => {
    const read = parseProvenance(Buffer.from(text));
    expect(read.commit).toBe(COMMIT);
    expect(read.subjects).toEqual([{ name: "127.0.0.1:5000/acme/polls-release", sha256: sha("d") }]);
    expect(read.wheels.map((w) => `${w.name}==${w.version}`).sort()).toEqual([
      "Django==4.2.1",
      "polls==0.1.0",
    ]);
    expect(read.otherDistributions).toEqual([{ name: "pip", version: "23.0.1" }]);
    expect(read.toolVersion).toBe("0.1.0");
  });
});

describe("parseProvenance refuses hostile statements", () => {
  const good = () => JSON.parse(JSON.stringify(composeProvenance(inputs())));
  // Each case edits a fresh copy of a good statement (any: the point is to break its shape).
  type Doc = ReturnType<typeof good>;
  const edit = (change: (s: Doc) => void) => (s: Doc) => {
    change(s);
    return s;
  };
  const deps = (s: Doc) => s.predicate.buildDefinition.resolvedDependencies;
  const cases: [string, (s: Doc) => unknown, RegExp][] = [
    [
      "another statement type",
      (s) => ({ ...s, _type: "https://in-toto.io/Statement/v0.1" }),
      /not wheelwright's/,
    ],
    ["another predicate", (s) => ({ ...s, predicateType: "https://example/other" }), /predicateType/],
    [
      "another build type",
      edit((s) => {
        s.predicate.buildDefinition.buildType = "x";
      }),
      /buildType/,
    ],
    [
      "a subject digest that is not sha256 hex",
      edit((s) => {
        s.subject[0].digest.sha256 = "../x";
      }),
      /subject/,
    ],
    ["no subject", (s) => ({ ...s, subject: [] }), /subject/],
    ["an unknown top-level key", (s) => ({ ...s, extra: 1 }), /not wheelwright's/],
    [
      "two source commits",
      edit((s) => {
        deps(s).push({ name: "source", digest: { gitCommit: COMMIT } });
      }),
      /single source commit/,
    ],
    [
      "a commit that is not a git id",
      edit((s) => {
        deps(s)[0].digest.gitCommit = "HEAD";
      }),
      /single source commit/,
    ],
    [
      "a wheel without its sha256",
      edit((s) => {
        delete deps(s).at(-1).digest;
      }),
      /has no name, version and sha256/,
    ],
    [
      "a malformed byproduct",
      edit((s) => {
        s.predicate.runDetails.byproducts[0].content = Buffer.from("{").toString("base64");
      }),
      /other-distributions/,
    ],
  ];
  for (const [what, mutate, problem] of cases)
    it(what, () => {
      expect(() => parseProvenance(Buffer.from(JSON.stringify(mutate(good()))))).toThrow(problem);
    });

  it("not JSON, or larger than the cap", () => {
    expect(() => parseProvenance(Buffer.from("{nope"))).toThrow(/not JSON/);
    expect(() => parseProvenance(Buffer.alloc(MAX_STATEMENT_BYTES + 1, 32))).toThrow(/bytes/);
  });
});
