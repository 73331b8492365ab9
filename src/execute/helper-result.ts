// Reads the helper's `@@wheelwright {json}` lines and turns its error events into typed errors. The
// lines come from the builder, so they are parsed with a schema and used only for what they say
// about the build's progress and failure: never as paths or file names, but for one hint, a
// `host-file` path, which the host reads only inside a folder it offered (host-files.ts).
import { z } from "zod";
import { InputError, IntegrityError, WheelBuildError, type WheelwrightError } from "../errors.js";

const text = z.string().max(10_000);
const texts = z.array(text).max(1000);

const messageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("phase"), phase: z.enum(["bootstrap", "app", "resolve", "deps", "check"]) }),
  z.object({ kind: z.literal("log"), step: text, line: text, package: text.optional() }),
  z.object({
    kind: z.literal("progress"),
    step: text,
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    current: text.optional(),
    /** The package (`name version`) and what happens to it: building starts compiling an sdist. */
    package: text.optional(),
    state: z.enum(["building", "fetching", "built", "fetched"]).optional(),
  }),
  z.object({
    kind: z.literal("app"),
    name: text,
    version: text,
    filename: text,
    requires: texts,
    extras: texts,
    groups: texts,
  }),
  z.object({ kind: z.literal("error"), error: text }).passthrough(),
  z.object({ kind: z.literal("done"), wheels: z.number().int().nonnegative() }),
  z.object({ kind: z.literal("host-file"), at: z.string().max(4096) }),
]);

export type HelperMessage = z.infer<typeof messageSchema>;
export type HelperErrorEvent = Extract<HelperMessage, { kind: "error" }> & Record<string, unknown>;

const PREFIX = "@@wheelwright ";

/** A helper message, or undefined for any other line (pip's own output, or anything malformed). */
export function parseHelperLine(line: string): HelperMessage | undefined {
  if (!line.startsWith(PREFIX)) return undefined;
  try {
    const parsed = messageSchema.safeParse(JSON.parse(line.slice(PREFIX.length)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
const INDEX_HINT =
  "Make the package available on the index (or a find-links folder), or check the index settings (`wheelwright info` shows them and where they came from) and that the index is reachable from the builder.";

/**
 * pip's "(from versions: none)" lists only the versions this builder could install: a version whose
 * wheels are all for another Python or platform, with no sdist, is left out before pip reports. So
 * "none" does not mean the index has no version, and the detail says only what is known.
 */
const NO_USABLE_VERSION =
  "offered: none this builder can install (the index has no such project, or only wheels for another Python or platform and no sdist)";

/** A set's name as the helper gives it (`runtime`, `extra:test`, `group:tests`, `requirements:FILE`), in words. */
function describeSet(set: string): string {
  if (set === "runtime") return "the application (a runtime dependency)";
  const [kind, name = ""] = set.split(/:(.*)/s);
  if (kind === "extra") return `the extra ${name}`;
  if (kind === "group") return `the dependency group ${name}`;
  if (kind === "requirements") return `the requirements file ${name}`;
  return set;
}

/** Who needs a requirement no index offers: pip's parent, else the sets the helper says name it. */
function neededBy(error: HelperErrorEvent): string {
  const parent = str(error.needed_by);
  if (parent !== undefined) return `by ${parent}`;
  const owners = strings(error.needed_by_sets).slice(0, 5).map(describeSet);
  return owners.length > 0 ? `by ${owners.join(" and ")}` : "by the requirements";
}

function notFound(error: HelperErrorEvent, needed: string, tail: string[]): WheelBuildError {
  const offered = strings(error.offered);
  return new WheelBuildError(
    `No package index or find-links location offers '${str(error.not_found)}', needed ${needed}`,
    {
      details: [
        ...(offered.length > 0 ? [`offered: ${offered.join(", ")}`] : [NO_USABLE_VERSION]),
        ...tail.slice(-10),
      ],
      hint: INDEX_HINT,
    },
  );
}

/** What the helper was asked to build from, for errors that depend on it. */
export interface HelperErrorContext {
  /** The lock file the build installs exactly (relative to the source), when one is in use. */
  lock?: string | undefined;
}

/**
 * A locked pin no index offers: with a lock, pip is given only the lock's exact pins, so the
 * missing version is the lock's, and the way out is the index, the lock, or building without it.
 */
function lockPinNotFound(error: HelperErrorEvent, lock: string, tail: string[]): WheelBuildError {
  const pin = str(error.not_found)!;
  const offered = strings(error.offered);
  const name = pin.split(/[\s=<>!~;[@]/, 1)[0] ?? pin;
  const version = /==\s*([^\s,;]+)/.exec(pin)?.[1];
  return new WheelBuildError(
    `${lock} pins ${pin}; the index offers ${offered.length > 0 ? offered.join(", ") : `no version of ${name}`}`,
    {
      details: tail.slice(-10),
      hint:
        `Make ${version === undefined ? pin : `${name} ${version}`} available on the index, or regenerate ${lock} against this index (your locking tool's lock command), ` +
        'or build without the lock: `lock = "none"` in the config (or WHEELWRIGHT_LOCK=none). ' +
        "`wheelwright info` shows the index settings.",
    },
  );
}

function appBuildError(error: HelperErrorEvent, tail: string[]): WheelwrightError {
  if (str(error.not_found) !== undefined) return notFound(error, "to build the application", tail);
  if (error.phase === "metadata") {
    return new InputError("The project's metadata could not be read: its setup.py or build backend failed", {
      details: tail.slice(-20),
      hint: "Run `python3 setup.py --name` (or `pip wheel --no-deps .`) in the project to see the error, and fix it.",
    });
  }
  if (error.phase === "build-env") {
    return new WheelBuildError(
      "The application's build environment could not be made (its build-system.requires)",
      {
        details: tail.slice(-20),
        hint: INDEX_HINT,
      },
    );
  }
  return new WheelBuildError("Building the application's wheel failed", {
    details: tail.slice(-25),
    hint: "The log above shows the compiler or backend error; fix the project, then run `wheelwright build` again.",
  });
}

function depsBuildError(error: HelperErrorEvent, tail: string[]): WheelwrightError {
  const version = str(error.version) === undefined ? "" : ` ${str(error.version)}`;
  const name = str(error.package) === undefined ? "a dependency" : `'${str(error.package)}'${version}`;
  return new WheelBuildError(
    `Building the wheel of ${name} failed${error.phase === "fetch" ? " (it could not be fetched)" : ""}`,
    {
      details: tail.slice(-25),
      hint: "The tail of its build log is above. A missing compiler or header belongs in the builder image's Dockerfile; an unreachable index in the index settings (`wheelwright info`).",
    },
  );
}

function inputErrors(error: HelperErrorEvent): WheelwrightError | undefined {
  switch (error.error) {
    case "app-name":
      return str(error.found) === "unknown"
        ? new InputError("The project has no name: its build produced an UNKNOWN wheel", {
            hint: "Set `name` in [project] of pyproject.toml (or name= in setup.py).",
          })
        : new InputError(
            `The application's wheel is named '${str(error.found)}', but the project's name is '${str(error.expected)}'`,
            { hint: "Make the project's metadata agree, or fix `source` to point at the right project." },
          );
    case "unknown-extra":
      return unknownExtraError(
        strings(error.extras),
        strings(error.groups),
        strings(error.available),
        strings(error.available_groups),
      );
    case "app-python":
      return new InputError(
        `The application requires Python ${str(error.requires)}, and the builder has Python ${str(error.python)}`,
        {
          hint: "Build with a builder image whose Python matches (its base image's Debian release decides it), or widen requires-python.",
        },
      );
    case "group-cycle":
      return new InputError(
        `The dependency group '${str(error.group)}' includes itself (${strings(error.chain).join(" -> ")})`,
      );
    case "requirements":
      return new InputError(
        `${str(error.file) ?? "A requirements file"}${typeof error.line === "number" ? `:${error.line}` : ""}: ${str(error.reason) ?? "cannot be read"}`,
        {
          hint: "Fix the requirements file; wheelwright reads every form pip accepts except editable (-e) lines.",
        },
      );
    case "request":
      return new InputError(`The build request was refused: ${str(error.field)}: ${str(error.reason)}`);
    case "lock-mismatch":
      return new InputError(
        `The lock file ${str(error.file)} does not match the project's requirements: ${str(error.entry) ?? str(error.requirement) ?? ""} (${str(error.reason) ?? "mismatch"})`,
        { hint: "Update the lock file (your locking tool's lock command), or the declared requirements." },
      );
    case "lock-format":
      return new InputError(`The lock file ${str(error.file)} cannot be read: ${str(error.reason)}`);
    default:
      return undefined;
  }
}

/** The typed error for a helper that exited non-zero, from its error event (or its output's tail). */
export function helperError(
  exitCode: number,
  error: HelperErrorEvent | undefined,
  output: string[],
  context: HelperErrorContext = {},
): WheelwrightError {
  const tail = strings(error?.tail).length > 0 ? strings(error?.tail) : output.slice(-30);
  const input = error === undefined ? undefined : inputErrors(error);
  if (input !== undefined) return input;
  switch (error?.error) {
    case "app-build":
      return appBuildError(error, tail);
    case "resolve":
      if (str(error.not_found) !== undefined) {
        // With a lock, pip resolves nothing: it fetches the lock's pins, each with --no-deps.
        if (context.lock !== undefined) return lockPinNotFound(error, context.lock, tail);
        return notFound(error, neededBy(error), tail);
      }
      return new WheelBuildError("pip could not resolve the requirements into one consistent set", {
        details: [...(str(error.conflict) === undefined ? [] : [str(error.conflict)!]), ...tail.slice(-15)],
        hint: "The requirements above conflict, or no index offers versions that fit together.",
      });
    case "deps-build":
      return depsBuildError(error, tail);
    case "unsatisfied":
      return new IntegrityError("The wheelhouse would not satisfy every requirement", {
        details: (Array.isArray(error.missing) ? error.missing : []).map(
          (m: Record<string, unknown>) =>
            `${str(m.set)}: ${str(m.requirement)} (${m.found === null ? "no wheel" : `found ${str(m.found)}`})`,
        ),
        hint: "pip resolved a set that does not meet the declared requirements: check constraints and the index's versions.",
      });
    case "invalid-wheel":
    case "app-count":
      return new IntegrityError(
        `The builder produced an invalid wheel: ${str(error.file) ?? strings(error.found).join(", ")}`,
        {
          details: [str(error.reason) ?? ""],
          hint: "A build backend wrote a wheel that is not what its name says, or two wheels of one project ended in the set: run with --verbose to see which step made it. Nothing was published; the previous wheelhouse is intact.",
        },
      );
    case "helper-env":
      return new WheelBuildError(
        `The builder's helper could not be set up: ${str(error.reason) ?? "its packages could not be installed"}`,
        {
          details: tail.slice(-10),
          hint:
            "The helper needs pip >= 22.3 in the builder; on Python 3.9 and 3.10 also packaging, pyproject_hooks, build and tomli from the package index. " +
            INDEX_HINT,
        },
      );
    default:
      return new WheelBuildError(`The builder failed (exit ${exitCode})`, { details: output.slice(-25) });
  }
}

export function unknownExtraError(
  extras: string[],
  groups: string[],
  available: string[],
  availableGroups: string[],
): InputError {
  const details: string[] = [];
  if (extras.length > 0)
    details.push(
      `unknown extra${extras.length > 1 ? "s" : ""}: ${extras.join(", ")} (available: ${available.join(", ") || "none"})`,
    );
  if (groups.length > 0)
    details.push(
      `unknown group${groups.length > 1 ? "s" : ""}: ${groups.join(", ")} (available: ${availableGroups.join(", ") || "none"})`,
    );
  return new InputError("The project does not declare what was asked for", {
    details,
    hint: "Extras come from [project.optional-dependencies] or extras_require; groups from [dependency-groups]. Names compare normalised: Test_Extra is test-extra.",
  });
}
