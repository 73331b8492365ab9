// The provenance `push` attaches to a release image (issue 13): an in-toto Statement v1 whose
// predicate is SLSA provenance v1. Pure: composed from facts the push collected, and parsed
// strictly when `verify` reads one back from a registry (which is untrusted: sizes capped, every
// field checked, unknown shapes refused).
import { z } from "zod";
import { pypiPurl } from "./purl.js";
import { compareText } from "./text-order.js";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
/**
 * wheelwright's build type (documented in the README, "Provenance and `verify`"): a release image
 * built by `wheelwright release` from a wheelhouse that `wheelwright build` made in a builder image.
 * A URN, so that it names no host.
 */
export const BUILD_TYPE = "urn:wheelwright:buildtype:release-image:v1";
export const BUILDER_ID = "urn:wheelwright:cli";
/** A statement larger than this is not read (a real one of 5000 wheels is about 1 MiB). */
export const MAX_STATEMENT_BYTES = 8 * 1024 * 1024;
const MAX_WHEELS = 20_000;

export interface ProvenanceWheel {
  name: string;
  version: string;
  sha256: string;
}

export interface ProvenanceImage {
  /** `repo:tag` as the engine names it. */
  reference: string;
  /** The engine's image id (`sha256:…`), undefined when the engine does not have it. */
  id: string | undefined;
}

export interface ProvenanceInputs {
  /** The image repository (`127.0.0.1:5000/acme/polls-release`) and the pushed manifest's digest. */
  repository: string;
  digest: string;
  command: string;
  target: string | undefined;
  extras: readonly string[];
  groups: readonly string[];
  indexUrl: string | undefined;
  extraIndexUrls: readonly string[];
  findLinks: readonly string[];
  sourceDateEpoch: number | undefined;
  /** `git+<remote or path>` without the ref, and the commit. */
  source: { uri: string; commit: string };
  builder: ProvenanceImage & { identity: string };
  base: ProvenanceImage | undefined;
  /** The wheelhouse's manifest.json: its sha256 and the wheels of its runtime set. */
  manifest: { sha256: string; fingerprint: string; wheels: readonly ProvenanceWheel[] };
  /** Distributions installed in the image that no wheel of the set made (its base image's own). */
  otherDistributions: readonly { name: string; version: string }[];
  toolVersion: string;
  runId: string;
  startedOn: string;
  finishedOn: string;
}

/**
 * An index URL as provenance may hold it: no user, password or token, no query string (which
 * often carries a token too), no fragment. A `file://` URL or a plain path stays as it is.
 */
export function redactIndexUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // A plain path (find-links), or something no URL parser reads: credentials cut by pattern.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1").replace(/[?#].*$/, "");
  }
  parsed.username = "";
  parsed.password = "";
  parsed.search = "";
  parsed.hash = "";
  return parsed.toString();
}

const hex = (digest: string) => digest.replace(/^sha256:/, "");

function imageDependency(name: string, image: ProvenanceImage, extra: Record<string, string> = {}) {
  return {
    name,
    uri: `docker-image://${image.reference}`,
    ...(image.id === undefined ? {} : { digest: { sha256: hex(image.id) } }),
    ...(Object.keys(extra).length === 0 ? {} : { annotations: extra }),
  };
}

/** The in-toto statement for a pushed release image. */
export function composeProvenance(inputs: ProvenanceInputs): ProvenanceStatement {
  const wheels = [...inputs.manifest.wheels].sort((a, b) => compareText(a.name, b.name));
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: inputs.repository, digest: { sha256: hex(inputs.digest) } }],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: {
          command: inputs.command,
          ...(inputs.target === undefined ? {} : { target: inputs.target }),
          extras: [...inputs.extras],
          groups: [...inputs.groups],
          index: {
            ...(inputs.indexUrl === undefined ? {} : { indexUrl: redactIndexUrl(inputs.indexUrl) }),
            extraIndexUrls: inputs.extraIndexUrls.map(redactIndexUrl),
            findLinks: inputs.findLinks.map(redactIndexUrl),
          },
        },
        internalParameters: {
          sourceDateEpoch: inputs.sourceDateEpoch ?? null,
          wheelhouseFingerprint: inputs.manifest.fingerprint,
          builderIdentity: inputs.builder.identity,
        },
        resolvedDependencies: [
          {
            name: "source",
            uri: `${redactIndexUrl(inputs.source.uri)}@${inputs.source.commit}`,
            digest: { gitCommit: inputs.source.commit },
          },
          imageDependency("builder-image", inputs.builder),
          ...(inputs.base === undefined ? [] : [imageDependency("base-image", inputs.base)]),
          { name: "manifest.json", digest: { sha256: inputs.manifest.sha256 } },
          ...wheels.map((wheel) => ({
            name: `wheel:${wheel.name}`,
            uri: pypiPurl(wheel.name, wheel.version),
            digest: { sha256: wheel.sha256 },
            annotations: { name: wheel.name, version: wheel.version },
          })),
        ],
      },
      runDetails: {
        builder: { id: BUILDER_ID, version: { wheelwright: inputs.toolVersion } },
        metadata: {
          invocationId: inputs.runId,
          startedOn: inputs.startedOn,
          finishedOn: inputs.finishedOn,
        },
        byproducts: [
          {
            name: "other-distributions",
            mediaType: "application/json",
            content: Buffer.from(JSON.stringify(inputs.otherDistributions)).toString("base64"),
          },
        ],
      },
    },
  };
}

// What `verify` accepts: the shape above, every string bounded, unknown keys allowed only where the
// SLSA spec leaves room for them (parameters, annotations), arrays capped.
const text = z.string().max(4096);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const gitCommit = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/);
const descriptor = z
  .object({
    name: text.optional(),
    uri: text.optional(),
    digest: z.record(z.string().max(64), z.string().max(256)).optional(),
    annotations: z.record(z.string().max(256), text).optional(),
    mediaType: text.optional(),
    content: z.string().max(MAX_STATEMENT_BYTES).optional(),
  })
  .strict();

const statementSchema = z
  .object({
    _type: z.literal(STATEMENT_TYPE),
    subject: z
      .array(z.object({ name: text, digest: z.object({ sha256: sha256Hex }).strict() }).strict())
      .min(1)
      .max(16),
    predicateType: z.literal(SLSA_PROVENANCE_V1),
    predicate: z
      .object({
        buildDefinition: z
          .object({
            buildType: z.literal(BUILD_TYPE),
            externalParameters: z.record(z.string().max(256), z.unknown()),
            internalParameters: z.record(z.string().max(256), z.unknown()).optional(),
            resolvedDependencies: z.array(descriptor).max(MAX_WHEELS + 16),
          })
          .strict(),
        runDetails: z
          .object({
            builder: z.object({ id: text, version: z.record(z.string().max(64), text).optional() }).strict(),
            metadata: z
              .object({
                invocationId: text.optional(),
                startedOn: text.optional(),
                finishedOn: text.optional(),
              })
              .strict()
              .optional(),
            byproducts: z.array(descriptor).max(16).optional(),
          })
          .strict(),
      })
      .strict(),
  })
  .strict();

export type ProvenanceStatement = z.infer<typeof statementSchema>;

/** What `verify` needs of a statement, read strictly. */
export interface ReadProvenance {
  statement: ProvenanceStatement;
  subjects: { name: string; sha256: string }[];
  commit: string;
  sourceUri: string;
  wheels: ProvenanceWheel[];
  otherDistributions: { name: string; version: string }[];
  toolVersion: string | undefined;
}

const distributions = z.array(z.object({ name: text, version: text }).strict()).max(MAX_WHEELS);

/** The statement in `bytes`, or an Error saying what is wrong with it. */
export function parseProvenance(bytes: Buffer): ReadProvenance {
  if (bytes.length > MAX_STATEMENT_BYTES) throw new Error(`the statement is ${bytes.length} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new Error("the statement is not JSON");
  }
  const parsed = statementSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `the statement is not wheelwright's SLSA provenance: ${issue?.path.join(".")} ${issue?.message}`,
    );
  }
  const statement = parsed.data;
  const deps = statement.predicate.buildDefinition.resolvedDependencies;
  const sources = deps.filter((dep) => dep.name === "source");
  const commit = sources[0]?.digest?.gitCommit;
  if (sources.length !== 1 || commit === undefined || !gitCommit.safeParse(commit).success)
    throw new Error("the statement names no single source commit");
  const wheels = deps
    .filter((dep) => dep.name?.startsWith("wheel:"))
    .map((dep) => {
      const sha256 = dep.digest?.sha256;
      const name = dep.annotations?.name;
      const version = dep.annotations?.version;
      if (sha256 === undefined || !sha256Hex.safeParse(sha256).success || !name || !version)
        throw new Error(`the statement's ${dep.name} has no name, version and sha256`);
      return { name, version, sha256 };
    });
  const others = statement.predicate.runDetails.byproducts?.find((b) => b.name === "other-distributions");
  let otherDistributions: { name: string; version: string }[] = [];
  if (others?.content !== undefined) {
    const decoded = distributions.safeParse(
      (() => {
        try {
          return JSON.parse(Buffer.from(others.content, "base64").toString("utf8"));
        } catch {
          return undefined;
        }
      })(),
    );
    if (!decoded.success) throw new Error("the statement's other-distributions byproduct is malformed");
    otherDistributions = decoded.data;
  }
  return {
    statement,
    subjects: statement.subject.map((subject) => ({ name: subject.name, sha256: subject.digest.sha256 })),
    commit,
    sourceUri: sources[0]!.uri ?? "",
    wheels,
    otherDistributions,
    toolVersion: statement.predicate.runDetails.builder.version?.wheelwright,
  };
}
