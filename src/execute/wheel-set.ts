// The wheel set of a build, decided on the host from what it received: every file verified as an
// installer would, its name, version, size and sha256 read from the file itself. The helper's
// report is the builder's word: it is used only for each wheel's origin and sets, and only for
// files the host received.
import { PassThrough } from "node:stream";
import { z } from "zod";
import { declaredLicense } from "../domain/declared-license.js";
import { type InterpreterFacts, wheelTagProblem } from "../domain/interpreter-tags.js";
import type { ManifestWheel } from "../domain/manifest.js";
import { normalizeName } from "../domain/names.js";
import { IntegrityError, UntrustedOutputError, WheelwrightError } from "../errors.js";
import { sha256File } from "../project/file-hash.js";
import {
  type OutputLimits,
  type ReceivedFile,
  type ReceivedOutput,
  receiveBuilderOutput,
} from "./builder-output.js";
import type { BuildSandbox } from "./sandbox.js";
import { type VerifiedWheel, verifyWheel } from "./verify-wheel.js";

const SET_NAME = /^(runtime|extra:[a-z0-9-]{1,200}|group:[a-z0-9-]{1,200}|requirements:[^\0\n]{1,500})$/;

const interpreterSchema = z.object({
  implementation: z.string().max(100),
  version: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  abi: z.string().max(100),
  platform: z.string().max(200),
  libc: z.object({ name: z.string().max(100), version: z.string().max(100) }).nullable(),
});

const reportSchema = z.object({
  version: z.literal(1),
  app: z.string().max(300),
  /** The builder's interpreter: every wheel's tags are checked against it. */
  interpreter: interpreterSchema,
  wheels: z
    .array(
      z.object({
        filename: z.string().max(300),
        folder: z.enum(["app", "deps"]),
        origin: z.enum(["built", "fetched"]),
        /** Taken from the registry wheel cache the host handed in (issue 13), not compiled. */
        cached: z.boolean().optional(),
        /** Not handed over: the host read its own file at this path (host-files.ts). */
        at: z.string().max(4096).optional(),
        /** Not handed over: the host took its own copy of these bytes (held-wheels.ts). */
        held: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .optional(),
        sets: z.array(z.string().regex(SET_NAME)).max(1000),
        sdist: z
          .object({
            name: z.string().regex(/^[A-Za-z0-9._+!-]{1,255}\.(tar\.gz|tar\.bz2|zip)$/),
            sha256: z.string().regex(/^[0-9a-f]{64}$/),
            url: z
              .string()
              .max(2000)
              .regex(/^https?:\/\/[^@\s]+$/)
              .optional(),
            path: z
              .string()
              .max(4000)
              .regex(/^\/[^\0\n]*$/)
              .optional(),
          })
          .optional(),
      }),
    )
    .max(100_000),
});

/**
 * Freezes the builder and receives its handoff folder into `intoDir` through the checks of
 * builder-output.ts. When the copy itself failed (the engine went away), that is the error told,
 * not the truncated archive it left.
 */
export async function receiveOutput(
  sandbox: BuildSandbox,
  intoDir: string,
  limits: OutputLimits,
  onFile?: (file: ReceivedFile) => void,
): Promise<ReceivedOutput> {
  const pipe = new PassThrough();
  const [copied, received] = await Promise.allSettled([
    sandbox.readOutput(pipe),
    receiveBuilderOutput(pipe, intoDir, limits, onFile),
  ]);
  if (received.status === "fulfilled" && copied.status === "fulfilled") return received.value;
  const receiverError = received.status === "rejected" ? (received.reason as unknown) : undefined;
  // The receiver's own verdict (a violation, the host's disk full) is the cause: stopping, it
  // destroyed the copy's pipe, and the copy's error (an AbortError) only says so.
  const truncated =
    receiverError instanceof UntrustedOutputError && /not a readable archive/.test(receiverError.message);
  if (receiverError instanceof WheelwrightError && !truncated) throw receiverError;
  if (copied.status === "rejected") throw copied.reason;
  throw receiverError;
}

export interface WheelSetExpectation {
  /** The app's name as the project declares it (normalised), when it could be read. */
  appName: string | undefined;
  /** The sha256 of each wheel handed in from the registry wheel cache: a wheel said to be one must be. */
  handedIn?: ReadonlySet<string>;
}

/** What verifying wheels found before, by sha256 (the result store keeps it). */
export interface KnownWheels {
  verifiedFacts(sha256: string, filename: string): VerifiedWheel | undefined;
  rememberVerified(wheel: VerifiedWheel): void;
}

/**
 * Verifies the wheel at `file` unless bytes of the same sha256, under the same name, were verified
 * before. `sha256` is the host's own hash of the file (computed here when not given).
 */
export async function verifyUnlessKnown(
  file: string,
  filename: string,
  known: KnownWheels | undefined,
  sha256?: string,
  verify: typeof verifyWheel = verifyWheel,
): Promise<VerifiedWheel> {
  const hash = sha256 ?? (known === undefined ? undefined : await sha256File(file));
  const before = hash === undefined ? undefined : known?.verifiedFacts(hash, filename);
  if (before !== undefined) return before;
  const wheel = await verify(file, filename);
  if (hash !== undefined && wheel.sha256 !== hash)
    throw new IntegrityError(`${filename} changed while it was being checked`);
  known?.rememberVerified(wheel);
  return wheel;
}

/**
 * Starts verifying each wheel as soon as the receiver has it whole on the host, so the host checks
 * wheels while the rest are still being copied out; `wheelSetOf` then takes each check started. A
 * check that fails is told by `wheelSetOf`, and only for a file the report lists (never as an
 * unhandled rejection).
 */
export class EarlyVerification {
  private readonly started = new Map<string, Promise<VerifiedWheel>>();

  constructor(
    private readonly known: KnownWheels | undefined,
    private readonly verify: typeof verifyWheel = verifyWheel,
  ) {}

  readonly onFile = (file: ReceivedFile): void => {
    const check = verifyUnlessKnown(file.path, file.filename, this.known, file.sha256, this.verify);
    check.catch(() => undefined);
    this.started.set(`${file.folder}/${file.filename}`, check);
  };

  /** The check started for this received file, if one was. */
  take(file: ReceivedFile): Promise<VerifiedWheel> | undefined {
    return this.started.get(`${file.folder}/${file.filename}`);
  }
}

export interface ReceivedWheelSet {
  app: ManifestWheel & { requires: string[] };
  wheels: ManifestWheel[];
  /** The file names the builder says it took from the registry wheel cache (each one the host handed in). */
  fromCache: string[];
}

function untrusted(message: string): WheelwrightError {
  return new UntrustedOutputError(message, {
    hint: "A build step in the builder made the report disagree with the files it handed over. Nothing was published; the previous wheelhouse is intact.",
  });
}

/** Verifies every received wheel and joins the report's origin and sets to the files it names. */
export async function wheelSetOf(
  received: ReceivedOutput,
  expect: WheelSetExpectation,
  known?: KnownWheels,
  verify: typeof verifyWheel = verifyWheel,
  early?: EarlyVerification,
): Promise<ReceivedWheelSet> {
  const report = parseReport(received.report);
  const byFile = new Map(received.files.map((file) => [`${file.folder}/${file.filename}`, file]));
  const listed = new Set(report.wheels.map((wheel) => `${wheel.folder}/${wheel.filename}`));
  for (const key of byFile.keys())
    if (!listed.has(key)) throw untrusted(`out/${key} was handed over but the report does not list it`);
  const verified = await Promise.all(
    report.wheels.map(async (entry) => {
      const file = byFile.get(`${entry.folder}/${entry.filename}`);
      if (file === undefined)
        throw untrusted(`The report lists out/${entry.folder}/${entry.filename}, which was not handed over`);
      // The host hashed these bytes as it received them: bytes it verified before are not verified
      // again, and bytes that changed while being verified are refused there.
      const wheel = await (early?.take(file) ??
        verifyUnlessKnown(file.path, file.filename, known, file.sha256, verify));
      return { entry, wheel };
    }),
  );
  checkTags(
    verified.map(({ wheel }) => wheel),
    { ...report.interpreter, libc: report.interpreter.libc ?? undefined },
  );
  const apps = verified.filter(({ entry }) => entry.folder === "app");
  if (apps.length !== 1)
    throw new IntegrityError(`The builder handed over ${apps.length} application wheels, not exactly one`, {
      details: apps.map((a) => a.entry.filename),
    });
  const app = apps[0]!;
  const expected = expect.appName === undefined ? normalizeName(report.app) : normalizeName(expect.appName);
  if (app.wheel.name !== expected)
    throw new IntegrityError(`The application's wheel is ${app.wheel.name}, not ${expected}`, {
      details: [app.wheel.filename],
    });
  const names = new Set<string>();
  for (const { wheel } of verified) {
    if (names.has(wheel.name))
      throw new IntegrityError(`The builder handed over two wheels of ${wheel.name}`);
    names.add(wheel.name);
  }
  const wheels = verified.map(({ entry, wheel }) => ({
    ...manifestWheel(wheel, entry.origin, entry.sets),
    ...(entry.origin === "built" && entry.sdist !== undefined ? { sdist: entry.sdist } : {}),
  }));
  return {
    app: { ...manifestWheel(app.wheel, app.entry.origin, app.entry.sets), requires: app.wheel.requiresDist },
    wheels,
    fromCache: takenFromCache(verified, expect.handedIn),
  };
}

function parseReport(report: unknown): z.infer<typeof reportSchema> {
  const parsed = reportSchema.safeParse(report);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? "" : `${issue.path.join(".")}: `;
  throw untrusted(
    `The builder's report.json is missing or malformed: ${where}${issue?.message ?? "invalid"}`,
  );
}

/** The wheels the report says came from the registry wheel cache: each must be one the host handed in. */
function takenFromCache(
  verified: readonly { entry: { cached?: boolean | undefined }; wheel: VerifiedWheel }[],
  handedIn: ReadonlySet<string> | undefined,
): string[] {
  const taken = verified.filter(({ entry }) => entry.cached === true).map(({ wheel }) => wheel);
  for (const wheel of taken)
    if (!(handedIn?.has(wheel.sha256) ?? false))
      throw untrusted(
        `The report says ${wheel.filename} came from the wheel cache, but the host handed in no such wheel`,
      );
  return taken.map((wheel) => wheel.filename);
}

/**
 * Every wheel must be one the builder's interpreter installs: a wheel for another Python or
 * architecture (a prebuilt one from a find-links folder, say) would fail only at release time.
 */
function checkTags(wheels: readonly VerifiedWheel[], interpreter: InterpreterFacts): void {
  const problems = wheels.flatMap((wheel) => {
    const problem = wheelTagProblem(wheel.tags, interpreter);
    return problem === undefined ? [] : [`${wheel.filename}: ${problem}`];
  });
  if (problems.length === 0) return;
  throw new IntegrityError(
    `${problems.length === 1 ? "A wheel" : `${problems.length} wheels`} of the set cannot be installed by the builder's Python`,
    {
      details: problems,
      hint: "A wheel built for another Python or architecture came from an index or find-links folder (or was pinned with --only-binary): offer an sdist or a wheel for this interpreter, or build this target with a builder of the Python the wheel is for.",
    },
  );
}

export function manifestWheel(
  wheel: VerifiedWheel,
  origin: "built" | "fetched",
  sets: readonly string[],
): ManifestWheel {
  return {
    name: wheel.name,
    version: wheel.version,
    filename: wheel.filename,
    size: wheel.size,
    sha256: wheel.sha256,
    origin,
    sets: [...new Set(sets)].sort(),
    requires: wheel.requiresDist,
    license: declaredLicense(wheel.metadata),
  };
}
