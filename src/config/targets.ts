// The targets of a project (issue 14): `[[tool.wheelwright.target]]` (`[[target]]` in
// wheelwright.toml), each a name, build args for every image build, its own images folder and a
// platform, and optionally the family whose manifest list `push` publishes. Pure: the file's value
// in, the targets (or every problem with its dotted path) out.
import { closest } from "../domain/names.js";
import { samePlatform } from "../domain/platform.js";

export interface TargetConfig {
  /** `[a-z0-9][a-z0-9._-]*`, at most 40 characters: used in tags (`:<sha>-<name>`), folders and `--target`. */
  name: string;
  /** Passed to every image build of the target (`DEBIAN_IMAGE = "debian:trixie-slim"`). */
  buildArgs: Readonly<Record<string, string>>;
  /** The target's own images folder, relative to the config file; undefined: the top-level `images`. */
  images: string | undefined;
  /** `os/arch` (`linux/arm64`): recorded in the target's image labels and manifest. */
  platform: string | undefined;
  /**
   * The platform family (`bookworm`) whose targets `push` publishes as one manifest list
   * (`:<sha>-<family>`); same rules as a name; undefined: the target is in no list.
   */
  family: string | undefined;
}

/** The config key that holds the targets (an array of tables). */
export const TARGET_KEY = "target";
export const TARGET_NAME = /^[a-z0-9][a-z0-9._-]*$/;
export const MAX_TARGET_NAME = 40;
const TARGET_KEYS = ["name", "build-args", "images", "platform", "family"] as const;
export const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

/** Why `name` cannot name a target, or undefined. */
export function targetNameProblem(name: string): string | undefined {
  if (name.length > MAX_TARGET_NAME) return `is ${name.length} characters long (at most ${MAX_TARGET_NAME})`;
  if (!TARGET_NAME.test(name))
    return "must start with a lowercase letter or digit and hold only lowercase letters, digits, '.', '_' and '-'";
  return undefined;
}

const isTable = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A target's `name` (required) or `family` (optional): both end up in tags, so one rule. */
function readName(
  table: Record<string, unknown>,
  key: "name" | "family",
  where: string,
  problems: string[],
): string | undefined {
  const name = table[key];
  if (name === undefined) {
    if (key === "name") problems.push(`${where}.name: missing (every target needs a name)`);
    return undefined;
  }
  if (typeof name !== "string") {
    problems.push(`${where}.${key}: must be a string (got ${JSON.stringify(name)})`);
    return undefined;
  }
  const problem = targetNameProblem(name);
  if (problem !== undefined) {
    problems.push(`${where}.${key}: '${name}' ${problem}`);
    return undefined;
  }
  return name;
}

function readBuildArgs(value: unknown, where: string, problems: string[]): Record<string, string> {
  if (value === undefined) return {};
  if (!isTable(value)) {
    problems.push(`${where}.build-args: must be a table of names to strings (got ${JSON.stringify(value)})`);
    return {};
  }
  const args: Record<string, string> = {};
  for (const [name, arg] of Object.entries(value)) {
    if (!BUILD_ARG_NAME.test(name)) problems.push(`${where}.build-args.${name}: not a valid build arg name`);
    else if (typeof arg !== "string")
      problems.push(`${where}.build-args.${name}: must be a string (got ${JSON.stringify(arg)})`);
    else args[name] = arg;
  }
  return args;
}

function readOptionalString(
  value: unknown,
  where: string,
  pattern: RegExp | undefined,
  expected: string,
  problems: string[],
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "" || (pattern !== undefined && !pattern.test(value))) {
    problems.push(`${where}: must be ${expected} (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return value;
}

/** What the config error's hint says when a top-level key sits in a target table. */
export const TOP_LEVEL_KEYS_ABOVE_TARGETS = "top-level keys go above the first [[target]] table";

const unknownTargetKeys = (table: Record<string, unknown>): string[] =>
  Object.keys(table).filter((k) => !(TARGET_KEYS as readonly string[]).includes(k));

/**
 * Top-level config keys found inside target tables: in TOML every key after a `[[target]]` header
 * belongs to that table, so one appended at the end of the file lands there.
 */
export function misplacedTopLevelKeys(raw: unknown, topLevelKeys: readonly string[]): string[] {
  if (!Array.isArray(raw)) return [];
  const keys = raw.filter(isTable).flatMap(unknownTargetKeys);
  return [...new Set(keys.filter((key) => topLevelKeys.includes(key)))];
}

function readTarget(
  value: unknown,
  where: string,
  topLevelKeys: readonly string[],
  problems: string[],
): TargetConfig | undefined {
  if (!isTable(value)) {
    problems.push(`${where}: must be a table with a name (got ${JSON.stringify(value)})`);
    return undefined;
  }
  for (const key of unknownTargetKeys(value)) {
    const suggestion = closest(key, TARGET_KEYS) ?? closest(key.replace(/_/g, "-"), TARGET_KEYS);
    const why = topLevelKeys.includes(key)
      ? ` ('${key}' is a top-level key: ${TOP_LEVEL_KEYS_ABOVE_TARGETS})`
      : suggestion === undefined
        ? ""
        : ` (did you mean '${suggestion}'?)`;
    problems.push(`${where}: unknown key '${key}'${why}`);
  }
  const name = readName(value, "name", where, problems);
  const family = readName(value, "family", where, problems);
  const buildArgs = readBuildArgs(value["build-args"], where, problems);
  const images = readOptionalString(value.images, `${where}.images`, undefined, "a folder path", problems);
  const platform = readOptionalString(
    value.platform,
    `${where}.platform`,
    PLATFORM,
    "os/arch, like linux/amd64 or linux/arm64",
    problems,
  );
  return name === undefined ? undefined : { name, buildArgs, images, platform, family };
}

/**
 * The targets the file declares, in order; every problem is pushed to `problems` with its dotted
 * path (`target[1].name: ...`, counted from 0 as TOML arrays are). `topLevelKeys`: the config's
 * own keys, named as such when one sits in a target table.
 */
export function resolveTargets(
  raw: unknown,
  fileLabel: string,
  problems: string[],
  topLevelKeys: readonly string[] = [],
): TargetConfig[] {
  if (raw === undefined) return [];
  const label = `${fileLabel}: ${TARGET_KEY}`;
  if (!Array.isArray(raw)) {
    problems.push(
      `${label}: must be an array of tables ([[${fileLabel.startsWith("wheelwright.toml") ? "" : "tool.wheelwright."}target]])`,
    );
    return [];
  }
  const targets: TargetConfig[] = [];
  const seen = new Set<string>();
  raw.forEach((value, index) => {
    const where = `${label}[${index}]`;
    const target = readTarget(value, where, topLevelKeys, problems);
    if (target === undefined) return;
    if (seen.has(target.name)) {
      problems.push(`${where}.name: '${target.name}' is used by an earlier target (names must be unique)`);
      return;
    }
    seen.add(target.name);
    targets.push(target);
  });
  problems.push(...familyProblems(targets, label));
  return targets;
}

/**
 * A family's list holds one image per platform, and its tags (`:<sha>-<family>`) must not be a
 * target's (`:<sha>-<name>`). Two targets of one family that declare one platform are a conflict;
 * targets without `platform` are checked at push time, against what their images say.
 */
function familyProblems(targets: readonly TargetConfig[], label: string): string[] {
  const problems: string[] = [];
  const where = (target: TargetConfig) => `${label}[${targets.indexOf(target)}]`;
  for (const target of targets) {
    if (target.family === undefined) continue;
    if (targets.some((other) => other.name === target.family))
      problems.push(
        `${where(target)}.family: '${target.family}' is also a target's name (the family's list and that target's images would share their tags)`,
      );
    const earlier = targets
      .slice(0, targets.indexOf(target))
      .find(
        (other) =>
          other.family === target.family &&
          other.platform !== undefined &&
          target.platform !== undefined &&
          samePlatform(other.platform, target.platform),
      );
    if (earlier !== undefined)
      problems.push(
        `${where(target)}.platform: targets '${earlier.name}' and '${target.name}' of family '${target.family}' both declare ${target.platform} (a family's manifest list holds one image per platform)`,
      );
  }
  return problems;
}

/** The `target` array as a JSON schema (config/json-schema.ts), from the same patterns. */
export function targetJsonSchema(): Record<string, unknown> {
  return {
    type: "array",
    description:
      "targets (issue 14): each builds its own wheelhouse (<wheelhouse>/<name>/) and images (tags ending -<name>); none: one wheelhouse and one set of images",
    items: {
      type: "object",
      additionalProperties: false,
      required: ["name"],
      properties: {
        name: {
          type: "string",
          pattern: TARGET_NAME.source,
          maxLength: MAX_TARGET_NAME,
          description: "used in tags, folders and --target",
        },
        "build-args": {
          type: "object",
          propertyNames: { pattern: BUILD_ARG_NAME.source },
          additionalProperties: { type: "string" },
          description: "build args given to every image build of the target, e.g. DEBIAN_IMAGE",
        },
        images: { type: "string", description: "the target's own images folder (default: images)" },
        platform: {
          type: "string",
          pattern: PLATFORM.source,
          description: "os/arch (linux/arm64), recorded in the target's image labels and manifest",
        },
        family: {
          type: "string",
          pattern: TARGET_NAME.source,
          maxLength: MAX_TARGET_NAME,
          description:
            "the platform family (e.g. bookworm): push publishes its targets as one multi-arch manifest list tagged -<family>",
        },
      },
    },
  };
}
