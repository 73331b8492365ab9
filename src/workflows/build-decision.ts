// What a wheelhouse build depends on and what it must do, decided before any engine call: the
// facts (index settings with their credentials moved into a netrc, SOURCE_DATE_EPOCH, the builder
// expected, the result store), the fingerprints, and the mode (up to date, restore, app only, full).
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { type HelperRequest, netrcText, separateCredentials } from "../domain/helper-request.js";
import { type IndexSettings, urlSecrets } from "../domain/index-settings.js";
import {
  chooseLock,
  HASHED_REQUIREMENTS_LOCK,
  isHashPinnedRequirements,
  LOCK_FILES,
  type LockChoice,
} from "../domain/lock-file.js";
import type { Manifest } from "../domain/manifest.js";
import { normalizeName } from "../domain/names.js";
import { parseSourceDateEpoch } from "../domain/source-date-epoch.js";
import { InputError } from "../errors.js";
import { localCacheDir } from "../execute/cache-dir.js";
import { unknownExtraError } from "../execute/helper-result.js";
import type { ResultStore } from "../execute/result-store.js";
import type { BuildSandbox } from "../execute/sandbox.js";
import { findDamagedFiles, readManifest } from "../execute/wheelhouse.js";
import { type BuildMode, chooseBuildMode } from "../plan/build-plan.js";
import { type HelperInvocation, planHelper } from "../plan/helper-session.js";
import {
  type BuildInputs,
  type BuildRequest,
  collectBuildInputs,
  localIndexDirsOf,
} from "../project/build-inputs.js";
import { readCommitTime, readHeadSha } from "../project/git.js";
import { resolveIndexSettings } from "../project/pip-config.js";
import { usesScmVersion } from "../project/scm-version.js";
import { StatCache } from "../project/stat-cache.js";
import { type BuilderChoice, expectedBuilderId } from "./builder.js";
import type { WorkflowContext } from "./context.js";
import { commitTimesFile, projectStore } from "./result-store.js";
import type { CacheChoice } from "./wheel-cache.js";

export interface BuildWheelhouseRequest extends BuildRequest, CacheChoice {
  force: boolean;
  /**
   * Make the cached build environments anew from the index (implies force). `--force` alone keeps
   * them: they are a cache, like pip's, and a forced rebuild reuses every cache.
   */
  renewBuildEnvs?: boolean;
  /** Build the set a second time in a fresh builder under other conditions and compare every wheel. */
  checkReproducible?: boolean;
}

export interface BuildFacts {
  request: BuildWheelhouseRequest;
  /** As configured (credentials included: they are part of the fingerprint, never shown). */
  index: IndexSettings;
  /** As the helper gets them: URLs without credentials, and the netrc that holds them. */
  helperIndex: IndexSettings;
  netrc: string;
  sourceDateEpoch: number | undefined;
  choice: BuilderChoice;
  expectedBuilderId: string;
  store: ResultStore;
  wheelhouse: string;
  runId: string;
  toolVersion: string;
  /** How many sdist builds and downloads the helper runs at once. */
  jobs: number;
  /** wheelwright's cache folder (file hashes remembered by stat live here). */
  cacheDir: string;
  /** The commit, when the project's version is read from git (setuptools-scm, hatch-vcs). */
  scmCommit: string | undefined;
  /** The lock file the build installs exactly, if any. */
  lock: LockChoice | undefined;
}

/** The lock file to build from (configured, or found in the source), checked to exist. */
export function resolveLock(project: LoadedProject): LockChoice | undefined {
  const hashed = path.join(project.sourceDir, HASHED_REQUIREMENTS_LOCK);
  const choice = chooseLock(project.config.lock.value, [
    ...LOCK_FILES.filter((file) => existsSync(path.join(project.sourceDir, file))),
    ...(existsSync(hashed) && isHashPinnedRequirements(readFileSync(hashed, "utf8"))
      ? [HASHED_REQUIREMENTS_LOCK]
      : []),
  ]);
  if (choice !== undefined && "problem" in choice) throw new InputError(choice.problem);
  if (choice !== undefined && !existsSync(path.join(project.sourceDir, choice.path)))
    throw new InputError(
      `lock: ${choice.path} does not exist in the source (${project.config.source.value})`,
      {
        hint: 'Set `lock` to the lock file\'s path relative to the source, or `lock = "none"` to resolve afresh.',
      },
    );
  return choice;
}

/**
 * The inputs besides files, config and commit time that a build fingerprints: the commit (for a
 * version read from git) and the lock file. The freshness check of `test` and `release` must
 * fingerprint them alike, or a wheelhouse built from a lock counts as built from other inputs.
 */
export function commitAndLockInputs(project: LoadedProject): { scmCommit?: string; lockFile?: string } {
  const lock = resolveLock(project);
  return {
    ...(usesScmVersion(project.sourceDir) ? { scmCommit: readHeadSha(project.root) ?? "unknown" } : {}),
    ...(lock === undefined ? {} : { lockFile: lock.path }),
  };
}

export interface Decision {
  inputs: BuildInputs;
  previous: Manifest | undefined;
  mode: BuildMode;
  /** A set the store holds for exactly these inputs (restored without a builder). */
  stored: Manifest | undefined;
}

/** Checks what can be checked without running the project's code or calling the engine. */
export function precheck(project: LoadedProject, request: BuildRequest): void {
  const { metadata } = project;
  if (metadata.hasProjectTable && metadata.name === undefined) {
    throw new InputError("The project has no name: pyproject.toml's [project] table lacks `name`", {
      hint: 'Add `name = "..."` to [project] (pip would otherwise build an UNKNOWN-0.0.0 wheel).',
    });
  }
  const unknownExtras =
    metadata.extras === undefined
      ? []
      : request.extras.map(normalizeName).filter((e) => !metadata.extras!.includes(e));
  const unknownGroups = request.groups.map(normalizeName).filter((g) => !metadata.groups.includes(g));
  if (unknownExtras.length > 0 || unknownGroups.length > 0) {
    throw unknownExtraError(unknownExtras, unknownGroups, metadata.extras ?? [], metadata.groups);
  }
}

export async function gatherBuildFacts(
  ctx: WorkflowContext,
  project: LoadedProject,
  request: BuildWheelhouseRequest,
): Promise<BuildFacts> {
  const sourceDateEpoch =
    parseSourceDateEpoch(ctx.env.SOURCE_DATE_EPOCH) ??
    (await readCommitTime(project.root, ctx.runner, ctx.env, commitTimesFile(ctx)));
  const index = resolveIndexSettings(project.config, ctx.env);
  ctx.addSecrets(urlSecrets([index.indexUrl ?? "", ...index.extraIndexUrls, ...index.findLinks]));
  const separated = separateCredentials(index);
  // Local find-links folders are mounted at the same absolute path in the builder.
  const helperIndex = {
    ...separated.index,
    findLinks: separated.index.findLinks.map((link) =>
      /^[a-z][a-z0-9+.-]*:\/\//i.test(link) ? link : path.resolve(project.root, link),
    ),
  };
  const choice = { project, context: project.config.builderContext.value };
  return {
    request,
    index,
    helperIndex,
    netrc: netrcText(separated.netrc),
    sourceDateEpoch,
    choice,
    expectedBuilderId: await expectedBuilderId(ctx, choice, readManifest(project.wheelhouseDir)),
    store: projectStore(ctx, project),
    wheelhouse: project.wheelhouseDir,
    runId: ctx.newRunId(),
    toolVersion: ctx.toolVersion,
    // One sdist build or download per CPU (the builder's share of the machine).
    jobs: Math.max(1, availableParallelism()),
    cacheDir: localCacheDir(ctx.env),
    scmCommit: usesScmVersion(project.sourceDir) ? (readHeadSha(project.root) ?? "unknown") : undefined,
    lock: resolveLock(project),
  };
}

export function decideBuild(
  project: LoadedProject,
  request: BuildWheelhouseRequest,
  facts: BuildFacts,
  builderId: string,
): Decision {
  const inputs = collectBuildInputs({
    project,
    request,
    index: facts.index,
    builderId,
    sourceDateEpoch: facts.sourceDateEpoch,
    toolVersion: facts.toolVersion,
    hashes: StatCache.for(facts.cacheDir, project.sourceDir),
    ...(facts.scmCommit === undefined ? {} : { scmCommit: facts.scmCommit }),
    ...(facts.lock === undefined ? {} : { lockFile: facts.lock.path }),
  });
  const previous = readManifest(facts.wheelhouse);
  const wheelHashes = StatCache.for(facts.cacheDir, facts.wheelhouse);
  const intact =
    previous !== undefined && findDamagedFiles(facts.wheelhouse, previous, wheelHashes).length === 0;
  wheelHashes.save();
  // A reproducibility check builds everything, twice: nothing is taken from before.
  if (request.checkReproducible)
    return { inputs, previous, mode: { kind: "full", reason: "--check-reproducible" }, stored: undefined };
  let mode = chooseBuildMode(inputs.fingerprints, previous, intact, request.force);
  if (request.renewBuildEnvs === true) mode = { kind: "full", reason: "--renew-build-envs" };
  if (mode.kind === "up-to-date" || request.force) return { inputs, previous, mode, stored: undefined };
  const stored = facts.store.findSet(inputs.fingerprints.fingerprint);
  if (stored === undefined && mode.kind === "full") {
    // The wheelhouse is gone or damaged, but these dependency inputs were built before.
    const sameDeps = facts.store.findDependencies(inputs.fingerprints.dependencyFingerprint);
    const wanted = inputs.fingerprints.parts.sets.split(" ");
    const had = new Set(sameDeps?.inputs.parts?.sets.split(" ") ?? []);
    if (sameDeps !== undefined && wanted.every((set) => had.has(set)))
      mode = {
        kind: "app-only",
        reason: "the wheelhouse is gone, and its dependency wheels are in the result store",
        previous: sameDeps,
        reuseFrom: "store",
        sets: wanted,
      };
  }
  return { inputs, previous, mode, stored };
}

/** The helper's run, planned for a sandbox's paths (the builder's, or `build --dry-run`'s view of them). */
export function helperFor(
  project: LoadedProject,
  facts: BuildFacts,
  decision: Decision,
  sandbox: Pick<BuildSandbox, "paths" | "python">,
  appOnly: boolean,
  scmVersion?: string,
  sdistWheels?: HelperRequest["sdistWheels"],
): HelperInvocation {
  const { request } = facts;
  return planHelper({
    paths: sandbox.paths,
    python: sandbox.python,
    index: facts.helperIndex,
    expectName: project.metadata.name === undefined ? undefined : normalizeName(project.metadata.name),
    extras: request.extras,
    groups: request.groups,
    requirements: decision.inputs.requirementFiles,
    lock: facts.lock ?? null,
    appOnly,
    freshBuildEnv: request.renewBuildEnvs === true,
    jobs: facts.jobs,
    sourceDateEpoch: facts.sourceDateEpoch,
    staticRequires: project.metadata.dependencies,
    env: scmVersion === undefined ? {} : { SETUPTOOLS_SCM_PRETEND_VERSION: scmVersion },
    ...(sdistWheels === undefined ? {} : { sdistWheels }),
    // A reproducibility check compares the bytes of two builds: each must hand over its own.
    ...(request.checkReproducible === true
      ? {}
      : {
          hostWheels: heldByHost(decision.previous, facts.store),
          hostFolders: localIndexDirsOf(facts.helperIndex, project.root)
            .filter((dir) => existsSync(dir))
            .map((dir) => path.resolve(dir)),
        }),
  });
}

/** The previous set's wheels the result store holds: the builder need not hand these bytes over again. */
function heldByHost(
  previous: Manifest | undefined,
  store: ResultStore,
): NonNullable<HelperRequest["hostWheels"]> {
  return (previous?.wheels ?? [])
    .filter((wheel) => store.holds(wheel.sha256, wheel.size))
    .map((wheel) => ({ filename: wheel.filename, sha256: wheel.sha256 }));
}
