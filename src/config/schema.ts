// The config keys, their types and defaults: `[tool.wheelwright]` in pyproject.toml or the top
// level of wheelwright.toml. One table drives parsing, env names, flags, `info` and the README.
import { z } from "zod";

export const ENGINES = ["auto", "docker", "podman", "local"] as const;
export const NETWORK_MODES = ["default", "host", "none"] as const;

export type EngineChoice = (typeof ENGINES)[number];
export type NetworkMode = (typeof NETWORK_MODES)[number];

const stringList = z.array(z.string());
/** A size as docker writes one: bytes, or a number with k, m or g (powers of 1024). */
const size = z.string().regex(/^\d+[kmg]?$/i, "a size like 512m or 4g");

/** Each key: its schema, default, environment variable and description. */
export const CONFIG_KEYS = {
  namespace: {
    schema: z.string(),
    default: "",
    env: ["WHEELWRIGHT_NAMESPACE", "REPO_NS"],
    describe: "image namespace, e.g. `acme` or `127.0.0.1:5000/acme` (the seed's REPO_NS)",
  },
  app: {
    schema: z.string(),
    default: undefined,
    env: ["WHEELWRIGHT_APP", "APP_NAME"],
    describe: "application name in image names; defaults to the project's name (the seed's APP_NAME)",
  },
  version: {
    schema: z.string(),
    default: "latest",
    env: ["WHEELWRIGHT_VERSION", "REPO_VERSION"],
    describe: "version tag given to every image besides the git commit tag (the seed's REPO_VERSION)",
  },
  images: {
    schema: z.string(),
    default: "docker",
    env: ["WHEELWRIGHT_IMAGES"],
    describe: "folder holding one folder per image (each with a Dockerfile)",
  },
  "release-context": {
    schema: z.string(),
    default: "release",
    env: ["WHEELWRIGHT_RELEASE_CONTEXT"],
    describe: "image folder built by `release` from the wheelhouse (skipped by `image --all`)",
  },
  "builder-context": {
    schema: z.string(),
    default: "builder",
    env: ["WHEELWRIGHT_BUILDER_CONTEXT"],
    describe: "image folder whose image builds the wheels",
  },
  source: {
    schema: z.string(),
    default: ".",
    env: ["WHEELWRIGHT_SOURCE"],
    describe: "folder holding the Python project to build, relative to the config file",
  },
  wheelhouse: {
    schema: z.string(),
    default: "wheelhouse",
    env: ["WHEELWRIGHT_WHEELHOUSE"],
    describe: "output folder for the wheels, relative to the config file",
  },
  engine: {
    schema: z.enum(ENGINES),
    default: "auto",
    env: ["WHEELWRIGHT_ENGINE"],
    describe: "container engine: auto (docker, then podman, then local), docker, podman or local",
  },
  network: {
    schema: z.enum(NETWORK_MODES),
    default: "default",
    env: ["WHEELWRIGHT_NETWORK"],
    describe: "network for image builds and containers: default (the engine's), host or none",
  },
  pull: {
    schema: z.boolean(),
    default: true,
    env: ["WHEELWRIGHT_PULL"],
    describe: "let the engine pull a FROM image that is missing locally; false: refuse at once (offline)",
  },
  "index-url": {
    schema: z.string(),
    default: undefined,
    env: ["WHEELWRIGHT_INDEX_URL"],
    describe: "package index; defaults to the host's pip configuration",
  },
  "extra-index-urls": {
    schema: stringList,
    default: undefined,
    env: ["WHEELWRIGHT_EXTRA_INDEX_URLS"],
    describe: "extra package indexes (space-separated in the environment); default: host pip config",
  },
  "find-links": {
    schema: stringList,
    default: undefined,
    env: ["WHEELWRIGHT_FIND_LINKS"],
    describe: "folders or URLs of wheels (space-separated in the environment); default: host pip config",
  },
  "test-command": {
    schema: z.string().min(1),
    default: undefined,
    env: ["WHEELWRIGHT_TEST_COMMAND"],
    describe:
      "command `test` runs (sh syntax) in a copy of the source, as a non-root user, with the app installed from the wheelhouse; default: pytest when the test set has it, else Django's `manage.py test` with the app's modules as labels, else unittest discovery (`python -m wheelwright_unittest`: the app's own modules and the tests inside them from the installed wheel; no tests found is reported and passes)",
  },
  "test-extra": {
    schema: z.string().min(1),
    default: undefined,
    env: ["WHEELWRIGHT_TEST_EXTRA"],
    describe: "the extra that holds the test dependencies (default: found, see test-group)",
  },
  "test-group": {
    schema: z.string().min(1),
    default: undefined,
    env: ["WHEELWRIGHT_TEST_GROUP"],
    describe:
      "the dependency group (PEP 735 or poetry's) that holds the test dependencies; by default the one extra, group or requirements file named test, tests, testing or dev",
  },
  "test-requirements": {
    schema: z.string().min(1),
    default: undefined,
    env: ["WHEELWRIGHT_TEST_REQUIREMENTS"],
    describe: "a requirements file (relative to the source) that holds the test dependencies",
  },
  lock: {
    schema: z.string().min(1),
    default: undefined,
    env: ["WHEELWRIGHT_LOCK"],
    describe:
      "lock file the build installs exactly (pylock.toml, uv.lock, poetry.lock or a hash-pinned requirements file, relative to the source; `none`: resolve afresh); default: the first of pylock.toml, uv.lock, poetry.lock and a hash-pinned requirements.txt the source holds",
  },
  "dev-context": {
    schema: z.string(),
    default: "dev",
    env: ["WHEELWRIGHT_DEV_CONTEXT"],
    describe: "image folder `test` runs in when it exists (else the builder's)",
  },
  timeout: {
    schema: z.number().int().positive(),
    default: 3600,
    env: ["WHEELWRIGHT_TIMEOUT"],
    describe: "seconds a build may take before it is stopped",
  },
  memory: {
    schema: size,
    default: undefined,
    env: ["WHEELWRIGHT_MEMORY"],
    describe:
      "memory limit of the builder container (e.g. 4g); a build over it is stopped and reported as out of memory",
  },
  "remote-index-limit": {
    schema: size,
    default: "512m",
    env: ["WHEELWRIGHT_REMOTE_INDEX_LIMIT"],
    describe:
      "most bytes of local index and find-links folders copied into the builder when the engine is remote (its host lacks them); over it the build is refused",
  },
  "max-output-files": {
    schema: z.number().int().positive(),
    default: 5000,
    env: ["WHEELWRIGHT_MAX_OUTPUT_FILES"],
    describe: "most files the host accepts from the builder's output",
  },
  "max-wheel-size": {
    schema: size,
    default: "2g",
    env: ["WHEELWRIGHT_MAX_WHEEL_SIZE"],
    describe: "largest single file the host accepts from the builder's output",
  },
  "max-output-size": {
    schema: size,
    default: "20g",
    env: ["WHEELWRIGHT_MAX_OUTPUT_SIZE"],
    describe: "most bytes in all the host accepts from the builder's output",
  },
  cache: {
    schema: z.string(),
    default: undefined,
    env: ["WHEELWRIGHT_CACHE"],
    describe:
      "registry wheel cache: a repository (HOST[:PORT]/PATH, e.g. 127.0.0.1:5000/acme/wheels) whose entries a build restores before starting a builder; --no-cache turns it off",
  },
  "cache-timeout": {
    schema: z.number().int().positive(),
    default: 30,
    env: ["WHEELWRIGHT_CACHE_TIMEOUT"],
    describe: "seconds each request to the registry wheel cache may take before the cache is given up",
  },
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export const KEY_NAMES = Object.keys(CONFIG_KEYS) as ConfigKey[];

/** Where a resolved value came from, shown by `info`. */
export type Origin =
  | { kind: "default" }
  | { kind: "file"; file: string }
  | { kind: "env"; name: string }
  | { kind: "flag"; name: string }
  | { kind: "project"; detail: string };

export interface Sourced<T> {
  value: T;
  origin: Origin;
}

/** Everything downstream reads: fully defaulted, no optionals except the index settings that fall back to pip. */
export interface ResolvedConfig {
  namespace: Sourced<string>;
  app: Sourced<string>;
  version: Sourced<string>;
  images: Sourced<string>;
  releaseContext: Sourced<string>;
  builderContext: Sourced<string>;
  source: Sourced<string>;
  wheelhouse: Sourced<string>;
  engine: Sourced<EngineChoice>;
  network: Sourced<NetworkMode>;
  pull: Sourced<boolean>;
  indexUrl: Sourced<string | undefined>;
  extraIndexUrls: Sourced<string[] | undefined>;
  findLinks: Sourced<string[] | undefined>;
  timeout: Sourced<number>;
  memory: Sourced<string | undefined>;
  remoteIndexLimit: Sourced<string>;
  maxOutputFiles: Sourced<number>;
  maxWheelSize: Sourced<string>;
  maxOutputSize: Sourced<string>;
  testCommand: Sourced<string | undefined>;
  testExtra: Sourced<string | undefined>;
  testGroup: Sourced<string | undefined>;
  testRequirements: Sourced<string | undefined>;
  lock: Sourced<string | undefined>;
  devContext: Sourced<string>;
  /** The registry wheel cache's repository; "" when --no-cache turned it off. */
  cache: Sourced<string | undefined>;
  cacheTimeout: Sourced<number>;
}

export function originText(origin: Origin): string {
  switch (origin.kind) {
    case "default":
      return "default";
    case "file":
      return origin.file;
    case "env":
      return `env ${origin.name}`;
    case "flag":
      return `flag ${origin.name}`;
    case "project":
      return origin.detail;
  }
}
