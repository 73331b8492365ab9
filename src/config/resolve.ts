// Pure config resolution: file table, environment and flags in; a fully defaulted ResolvedConfig
// with each value's origin out, or one InputError listing every problem with its dotted path.
// Precedence (highest first): flags > WHEELWRIGHT_* > REPO_NS/APP_NAME/REPO_VERSION > file > defaults.
import { cacheRefProblem } from "../domain/cache-ref.js";
import { componentProblem, namespaceProblem, tagProblem } from "../domain/image-ref.js";
import { redactUrls } from "../domain/index-settings.js";
import { closest, normalizeName } from "../domain/names.js";
import { InputError } from "../errors.js";
import { flagName } from "./flags.js";
import {
  CONFIG_KEYS,
  type ConfigKey,
  KEY_NAMES,
  type Origin,
  type ResolvedConfig,
  type Sourced,
} from "./schema.js";
import {
  misplacedTopLevelKeys,
  resolveTargets,
  TARGET_KEY,
  type TargetConfig,
  TOP_LEVEL_KEYS_ABOVE_TARGETS,
} from "./targets.js";

export interface ConfigInputs {
  /** The `[tool.wheelwright]` table (or wheelwright.toml), undefined when there is none. */
  fileTable: Record<string, unknown> | undefined;
  /** Shown as the origin of file values, e.g. `pyproject.toml [tool.wheelwright]`. */
  fileLabel: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Values given on the command line, by config key. */
  flags: Partial<Record<ConfigKey, unknown>>;
  /** The project's own name (`[project] name`, setup.cfg or setup.py), if it could be read. */
  projectName: { value: string; detail: string } | undefined;
}

type Candidate = { raw: unknown; origin: Origin; path: string };

const LIST_KEYS = new Set<ConfigKey>(["extra-index-urls", "find-links"]);

/** Env values are strings: lists are space-separated, numbers parsed. */
function fromEnv(key: ConfigKey, text: string): unknown {
  if (LIST_KEYS.has(key)) return text.split(/\s+/).filter((part) => part !== "");
  if (key === "timeout" || key === "max-output-files" || key === "cache-timeout")
    return /^\d+$/.test(text) ? Number(text) : text;
  if (key === "pull")
    return text === "true" || text === "1" ? true : text === "false" || text === "0" ? false : text;
  return text;
}

/** The one place the precedence is decided: flags, then WHEELWRIGHT_* (then the seed's names), then the file. */
function pickCandidate(
  key: ConfigKey,
  inputs: Pick<ConfigInputs, "flags" | "env" | "fileTable" | "fileLabel">,
): Candidate | undefined {
  if (inputs.flags[key] !== undefined) {
    return { raw: inputs.flags[key], origin: { kind: "flag", name: flagName(key) }, path: flagName(key) };
  }
  for (const name of CONFIG_KEYS[key].env) {
    const text = inputs.env[name];
    if (text !== undefined && text !== "") {
      return { raw: fromEnv(key, text), origin: { kind: "env", name }, path: name };
    }
  }
  if (inputs.fileTable !== undefined && key in inputs.fileTable) {
    return {
      raw: inputs.fileTable[key],
      origin: { kind: "file", file: inputs.fileLabel },
      path: `${inputs.fileLabel}: ${key}`,
    };
  }
  return undefined;
}

/** One key's raw value by the precedence (before validation), e.g. `source`, needed to find the project. */
export function rawSetting(
  key: ConfigKey,
  inputs: Pick<ConfigInputs, "flags" | "env" | "fileTable" | "fileLabel">,
): unknown {
  return pickCandidate(key, inputs)?.raw ?? CONFIG_KEYS[key].default;
}

/** Keys in the file that are not config keys, each with a "did you mean". */
function unknownKeys(inputs: ConfigInputs): string[] {
  return Object.keys(inputs.fileTable ?? {})
    .filter((key) => key !== TARGET_KEY && !(KEY_NAMES as string[]).includes(key))
    .map((key) => {
      const suggestion = closest(key, KEY_NAMES) ?? closest(key.replace(/_/g, "-"), KEY_NAMES);
      return `${inputs.fileLabel}: unknown key '${key}'${suggestion === undefined ? "" : ` (did you mean '${suggestion}'?)`}`;
    });
}

/** Every key's value by the precedence, validated by its schema; problems collected, not thrown. */
function readValues(inputs: ConfigInputs, problems: string[]): Map<ConfigKey, Sourced<unknown>> {
  const values = new Map<ConfigKey, Sourced<unknown>>();
  for (const key of KEY_NAMES) {
    const spec = CONFIG_KEYS[key];
    const candidate = pickCandidate(key, inputs);
    if (candidate === undefined) {
      values.set(key, { value: spec.default, origin: { kind: "default" } });
      continue;
    }
    const parsed = spec.schema.safeParse(candidate.raw);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? "invalid value";
      problems.push(`${candidate.path}: ${message} (got ${redactUrls(JSON.stringify(candidate.raw))})`);
      continue;
    }
    values.set(key, { value: parsed.data, origin: candidate.origin });
  }
  return values;
}

/** The app name: configured, or the project's own name (normalised). */
function appName(inputs: ConfigInputs, configured: Sourced<unknown> | undefined, problems: string[]) {
  let app = configured as Sourced<string | undefined> | undefined;
  if (app !== undefined && app.value === undefined && inputs.projectName !== undefined) {
    app = {
      value: normalizeName(inputs.projectName.value),
      origin: { kind: "project", detail: inputs.projectName.detail },
    };
  }
  if (app !== undefined && app.value === undefined) {
    problems.push(
      "app: no application name: the project declares no name and none is configured " +
        "(set `app` in [tool.wheelwright], WHEELWRIGHT_APP or --app)",
    );
  }
  return app;
}

const camel = (key: string) => key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function resolveConfig(inputs: ConfigInputs): ResolvedConfig {
  return resolveProjectConfig(inputs).config;
}

/**
 * The config and the targets the file declares (config/targets.ts), with every problem of either
 * reported in one InputError. The targets are tables, not one value with an origin: they stay
 * beside the ResolvedConfig, not in it.
 */
export function resolveProjectConfig(inputs: ConfigInputs): {
  config: ResolvedConfig;
  targets: TargetConfig[];
} {
  const problems = unknownKeys(inputs);
  const values = readValues(inputs, problems);
  const app = appName(inputs, values.get("app"), problems);
  checkName(problems, "namespace", values.get("namespace"), namespaceProblem);
  checkName(problems, "app", app, componentProblem);
  checkName(problems, "version", values.get("version"), tagProblem);
  checkCache(problems, values.get("cache"));
  const rawTargets = inputs.fileTable?.[TARGET_KEY];
  const targets = resolveTargets(rawTargets, inputs.fileLabel, problems, KEY_NAMES);
  if (problems.length > 0) {
    const misplaced = misplacedTopLevelKeys(rawTargets, KEY_NAMES);
    throw new InputError(
      `Invalid configuration (${problems.length} problem${problems.length > 1 ? "s" : ""})`,
      {
        details: problems,
        hint:
          (misplaced.length === 0
            ? ""
            : `Move ${misplaced.map((key) => `'${key}'`).join(", ")} up: ${TOP_LEVEL_KEYS_ABOVE_TARGETS}. `) +
          "Fix the values listed above; `wheelwright info` shows every setting and where it came from.",
      },
    );
  }
  // Every key under its camelCase name (ResolvedConfig's fields), the app name as decided above.
  const resolved = Object.fromEntries([...values].map(([key, value]) => [camel(key), value]));
  return { config: { ...resolved, app } as unknown as ResolvedConfig, targets };
}

function checkName(
  problems: string[],
  key: string,
  sourced: Sourced<unknown> | undefined,
  problemOf: (value: string) => string | undefined,
): void {
  if (sourced === undefined || typeof sourced.value !== "string") return;
  const problem = problemOf(sourced.value);
  if (problem === undefined) return;
  const where = sourced.origin.kind === "default" ? key : `${key} (from ${describeOrigin(sourced.origin)})`;
  problems.push(`${where}: '${sourced.value}' is not valid in an image reference: it ${problem}`);
}

/** The cache's repository reference (`""` is --no-cache's: no cache). */
function checkCache(problems: string[], sourced: Sourced<unknown> | undefined): void {
  if (sourced === undefined || typeof sourced.value !== "string" || sourced.value === "") return;
  const problem = cacheRefProblem(sourced.value);
  if (problem === undefined) return;
  const where =
    sourced.origin.kind === "default" ? "cache" : `cache (from ${describeOrigin(sourced.origin)})`;
  problems.push(`${where}: '${sourced.value}' ${problem}`);
}

function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case "flag":
      return origin.name;
    case "env":
      return origin.name;
    case "file":
      return origin.file;
    case "project":
      return origin.detail;
    default:
      return "default";
  }
}
