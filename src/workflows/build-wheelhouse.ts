// `wheelwright build [EXTRA...]` (the seed's `make build` / `make build test`): under the wheelhouse's
// lock, decide (up to date / restore / app only / full) from fingerprints without asking the engine,
// then run the helper in the builder, receive and verify its wheels on the host, and publish.
import { rmSync } from "node:fs";
import type { LoadedProject } from "../config/load.js";
import {
  MANIFEST_SCHEMA_VERSION,
  type Manifest,
  type ManifestWheel,
  manifestTarget,
} from "../domain/manifest.js";
import { normalizeName } from "../domain/names.js";
import { compareText } from "../domain/text-order.js";
import { moveInto, publishManifest } from "../execute/publish-wheelhouse.js";
import { checkOutputWritable, createStaging, recoverWheelhouse } from "../execute/wheelhouse.js";
import { lockWheelhouse } from "../execute/wheelhouse-lock.js";
import type { BuildMode } from "../plan/build-plan.js";
import {
  type BuildFacts,
  type BuildWheelhouseRequest,
  type Decision,
  decideBuild,
  gatherBuildFacts,
  precheck,
} from "./build-decision.js";
import { buildOnce } from "./build-once.js";
import { reuseBeforeBuilding, reusedDependencies, withReachableIndexes } from "./build-reuse.js";
import { type PreparedBuilder, prepareBuilder } from "./builder.js";
import { checkReproducible } from "./check-reproducible.js";
import type { WorkflowContext } from "./context.js";
import type { FetchedSdistWheels } from "./sdist-cache.js";
import { lookUpSdistWheels, noticeFetchedWheels, pushAfterBuild } from "./sdist-cache-build.js";
import { wheelCacheFor } from "./wheel-cache.js";

export type { BuildWheelhouseRequest } from "./build-decision.js";

export interface BuildOutcome {
  status: "up-to-date" | "built" | "restored";
  mode: BuildMode;
  manifest: Manifest;
  wheelhouse: string;
  /** How many wheels built from sdists the builder took from the registry wheel cache (a cache was on). */
  fromWheelCache?: number;
}

export async function buildWheelhouse(
  ctx: WorkflowContext,
  project: LoadedProject,
  request: BuildWheelhouseRequest,
): Promise<BuildOutcome> {
  precheck(project, request);
  let facts = await gatherBuildFacts(ctx, project, request);
  const wheelhouse = project.wheelhouseDir;
  checkOutputWritable(wheelhouse);
  const lock = lockWheelhouse(wheelhouse, ["wheelwright build", ...request.extras].join(" "));
  try {
    recoverWheelhouse(wheelhouse);
    let decision = decideBuild(project, request, facts, facts.expectedBuilderId);
    if (decision.mode.kind === "up-to-date")
      return { status: "up-to-date", mode: decision.mode, manifest: decision.previous!, wheelhouse };
    const cache = wheelCacheFor(ctx, project, request);
    const reuse = await reuseBeforeBuilding(ctx, project, facts, decision, cache);
    if (reuse.outcome !== undefined) return reuse.outcome;
    // Only now are the indexes and the engine asked: an up-to-date check must not cost either.
    facts = await withReachableIndexes(ctx, facts);
    const prepared = await prepareBuilder(ctx, facts.choice, facts.index, facts.runId);
    if (prepared.builderId !== facts.expectedBuilderId) {
      // The engine that answered is not the one expected (e.g. docker down, local used instead).
      decision = decideBuild(project, request, facts, prepared.builderId);
      if (decision.mode.kind === "up-to-date")
        return { status: "up-to-date", mode: decision.mode, manifest: decision.previous!, wheelhouse };
    }
    const sdists = await lookUpSdistWheels(ctx, cache, { request, decision, reuse, prepared }, facts.store);
    try {
      ctx.emit({ type: "notice", message: `building: ${decision.mode.reason}` });
      const { manifest, fromCache } = await buildAndPublish(
        ctx,
        project,
        facts,
        decision,
        prepared,
        sdists.fetched,
      );
      const fromWheelCache = noticeFetchedWheels(ctx, manifest, fromCache);
      await pushAfterBuild(ctx, wheelhouse, manifest, cache, reuse, { ...sdists, fromCache });
      const counted = cache === undefined ? {} : { fromWheelCache };
      return { status: "built", mode: decision.mode, manifest, wheelhouse, ...counted };
    } finally {
      if (sdists.fetched !== undefined) rmSync(sdists.fetched.dir, { recursive: true, force: true });
    }
  } finally {
    lock.release();
  }
}

async function buildAndPublish(
  ctx: WorkflowContext,
  project: LoadedProject,
  facts: BuildFacts,
  decision: Decision,
  prepared: PreparedBuilder,
  cached: FetchedSdistWheels | undefined,
): Promise<{ manifest: Manifest; fromCache: string[] }> {
  const { builderId, startSandbox } = prepared;
  const staging = createStaging(project.wheelhouseDir, facts.runId);
  const again = `${staging}/.again`;
  try {
    const { session, set } = await buildOnce(
      ctx,
      project,
      facts,
      decision,
      startSandbox,
      `${staging}/.incoming`,
      undefined,
      cached,
    );
    const checked = facts.request.checkReproducible
      ? await checkReproducible(ctx, project, facts, decision, session.received, again)
      : undefined;
    for (const file of session.received.files) moveInto(staging, file.path, file.filename);
    // The staging folder becomes the wheelhouse: the received copies must not go with it (a
    // `.again` left there made the next `clean` refuse the wheelhouse as holding foreign files).
    rmSync(`${staging}/.incoming`, { recursive: true, force: true });
    rmSync(again, { recursive: true, force: true });
    const wheels = session.full
      ? set.wheels
      : [...set.wheels, ...reusedDependencies(facts, decision, set.app.name, staging)];
    const manifest: Manifest = {
      ...composeManifest(ctx, facts, decision, builderId, set.app, wheels),
      ...(checked === undefined ? {} : { reproducible: checked }),
      ...manifestTarget(project.target),
    };
    ctx.signal.throwIfAborted();
    publishManifest(project.wheelhouseDir, staging, facts.runId, manifest);
    facts.store.save(manifest, project.wheelhouseDir);
    return { manifest, fromCache: set.fromCache };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function composeManifest(
  ctx: WorkflowContext,
  facts: BuildFacts,
  decision: Decision,
  builderId: string,
  app: ManifestWheel & { requires: string[] },
  wheels: ManifestWheel[],
): Manifest {
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    tool: `wheelwright ${ctx.toolVersion}`,
    inputs: {
      ...decision.inputs.fingerprints,
      builder: builderId,
      extras: facts.request.extras.map(normalizeName),
      groups: facts.request.groups.map(normalizeName),
      requirements: decision.inputs.requirementFiles,
      sourceDateEpoch: facts.sourceDateEpoch,
    },
    app: { name: app.name, version: app.version, filename: app.filename, requires: app.requires },
    wheels: wheels.sort((a, b) => compareText(a.name, b.name)),
  };
}
