// verify's judgement (pure): subject, commit, the SBOM's wheels and the installed distributions
// against the provenance; and `verify`'s command line, in-process (no engine, no registry asked).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReadProvenance } from "../../src/domain/provenance.js";
import {
  compareWithProvenance,
  installedDistributionsOf,
  sbomWheelsOf,
  type VerifyFacts,
} from "../../src/domain/verify-provenance.js";
import { EXIT_CODES } from "../../src/errors.js";
import { parseImageReference } from "../../src/workflows/verify-image.js";
import { guardedRunner } from "../support/guarded-runner.js";
import { runInProcess, testEnv } from "../support/in-process.js";

const sha = (c: string) => c.repeat(64);
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

const provenance = {
  subjects: [{ name: "127.0.0.1:5000/acme/polls-release", sha256: sha("d") }],
  commit: COMMIT,
  sourceUri: "git+file:///p",
  wheels: [
    { name: "polls", version: "0.1.0", sha256: sha("1") },
    { name: "Django", version: "4.2.1", sha256: sha("2") },
    { name: "zope.interface", version: "7.2", sha256: sha("3") },
  ],
  otherDistributions: [{ name: "pip", version: "23.0.1" }],
  toolVersion: "0.1.0",
} as unknown as ReadProvenance;

function facts(overrides: Partial<VerifyFacts> = {}): VerifyFacts {
  return {
    imageDigest: `sha256:${sha("d")}`,
    artifactSubject: `sha256:${sha("d")}`,
    provenance,
    expectedCommit: { sha: COMMIT, from: "HEAD of /p" },
    sbomWheels: provenance.wheels,
    installed: [
      { name: "polls", version: "0.1.0" },
      { name: "django", version: "4.2.1" },
      { name: "zope-interface", version: "7.2" },
      { name: "pip", version: "23.0.1" },
    ],
    ...overrides,
  };
}

describe("compareWithProvenance", () => {
  it("an image that matches: nothing (names compared as PEP 503 names)", () => {
    expect(compareWithProvenance(facts())).toEqual([]);
    expect(compareWithProvenance(facts({ expectedCommit: { sha: "0123456", from: "--commit" } }))).toEqual(
      [],
    );
  });

  it("another digest than the artefact's subject, or the statement's", () => {
    const other = `sha256:${sha("e")}`;
    const found = compareWithProvenance(facts({ imageDigest: other }));
    expect(found.map((m) => m.kind)).toEqual(["subject", "subject"]);
    expect(found[0]!.message).toBe(
      `subject digest mismatch: the provenance refers to sha256:${sha("d")}, the image is ${other}`,
    );
  });

  it("another commit", () => {
    const [found] = compareWithProvenance(facts({ expectedCommit: { sha: "fedcba9", from: "--commit" } }));
    expect(found).toEqual({
      kind: "commit",
      message: `commit mismatch: the image was built from ${COMMIT}, --commit is fedcba9`,
    });
  });

  it("a distribution no wheel made, a wheel not installed, an SBOM entry of other bytes", () => {
    const found = compareWithProvenance(
      facts({
        installed: [
          { name: "polls", version: "0.1.0" },
          { name: "django", version: "4.2.2" },
          { name: "zope.interface", version: "7.2" },
          { name: "pip", version: "23.0.1" },
          { name: "evil", version: "1.0" },
        ],
        sbomWheels: [
          provenance.wheels[0]!,
          { ...provenance.wheels[1]!, sha256: sha("9") },
          provenance.wheels[2]!,
        ],
      }),
    ).map((m) => m.message);
    expect(found).toEqual([
      `the image's SBOM lists Django 4.2.1 (sha256 ${sha("9")}), which is no wheel of the provenance's manifest`,
      "django 4.2.2 is installed in the image but is no wheel of the provenance's manifest",
      "evil 1.0 is installed in the image but is no wheel of the provenance's manifest",
      "Django 4.2.1 of the provenance's manifest is not installed in the image",
      `the image's SBOM does not list Django 4.2.1 (sha256 ${sha("2")}) of the provenance`,
    ]);
  });
});

describe("what the image says, parsed strictly", () => {
  it("the SBOM's Python wheels with their sha256; Debian packages left aside", () => {
    const sbom = JSON.stringify({
      bomFormat: "CycloneDX",
      components: [
        {
          name: "Django",
          version: "4.2.1",
          purl: "pkg:pypi/django@4.2.1",
          hashes: [{ alg: "SHA-256", content: sha("2") }],
        },
        { name: "libc6", version: "2.36", purl: "pkg:deb/debian/libc6@2.36" },
      ],
    });
    expect(sbomWheelsOf(sbom)).toEqual([{ name: "Django", version: "4.2.1", sha256: sha("2") }]);
    expect(() =>
      sbomWheelsOf(
        JSON.stringify({ bomFormat: "CycloneDX", components: [{ name: "x", purl: "pkg:pypi/x@1" }] }),
      ),
    ).toThrow(/without a version and sha256/);
    expect(() => sbomWheelsOf("{}")).toThrow(/CycloneDX/);
    expect(() => sbomWheelsOf("nope")).toThrow(/not JSON/);
  });

  it("the installed distributions", () => {
    expect(installedDistributionsOf('[{"name":"pip","version":"23.0.1"}]')).toEqual([
      { name: "pip", version: "23.0.1" },
    ]);
    expect(() => installedDistributionsOf('[{"name":"","version":"1"}]')).toThrow(/malformed/);
    expect(() => installedDistributionsOf("null")).toThrow(/malformed/);
  });
});

describe("parseImageReference", () => {
  it("repo:tag and repo@sha256 in a named registry", () => {
    expect(parseImageReference("127.0.0.1:5000/acme/app:v1")).toMatchObject({
      ref: { registry: "127.0.0.1:5000", repository: "acme/app", baseUrl: "http://127.0.0.1:5000" },
      reference: "v1",
    });
    expect(parseImageReference(`127.0.0.1:5000/acme/app@sha256:${sha("a")}`).reference).toBe(
      `sha256:${sha("a")}`,
    );
  });
});

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "wheelwright-verify-cli-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("wheelwright verify: bad arguments are refused before any registry or engine is asked", () => {
  async function cli(args: string[]) {
    const runner = guardedRunner({ engine: "down" });
    const result = await runInProcess(args, { cwd: scratch, env: testEnv(scratch), runner });
    expect(runner.unexpected).toEqual([]);
    return result;
  }

  it.each([
    [["verify"], /missing required argument/],
    [["verify", "acme/app:v1"], /names no registry host/],
    [["verify", "127.0.0.1:5000/acme/app"], /names no tag or digest/],
    [["verify", "127.0.0.1:5000/acme/app@sha256:short"], /names no sha256 digest/],
    [["verify", "127.0.0.1:5000/acme/app:-bad"], /the tag '-bad'/],
    [["verify", "127.0.0.1:5000/Acme/app:v1"], /Acme/],
    [["verify", "127.0.0.1:5000/acme/app:v1", "--commit", "HEAD~1"], /--commit: 'HEAD~1' is not a commit id/],
  ])("%j", async (args, problem) => {
    const result = await cli(args);
    expect(result.exitCode, result.stderr).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(problem);
  });

  it("push: --no-provenance and --provenance-required together are a usage error", async () => {
    const result = await cli(["push", "--no-provenance", "--provenance-required"]);
    expect(result.exitCode).toBe(EXIT_CODES.usage);
    expect(result.stderr).toContain("--no-provenance and --provenance-required contradict each other");
  });
});
