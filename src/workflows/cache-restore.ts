// A wheel set restored from the registry wheel cache (issue 13): after the result store missed and
// before any builder starts. The registry is as untrusted as a builder: the manifest is parsed
// strictly, every blob is checked against its digest as it arrives, every wheel is verified as a
// built one is (verify-wheel.ts) and must be the one the set's manifest names; only then is the
// set published, by the same staging and rename as any build. A bad entry is refused with a
// warning, and the build goes on locally.
import { rmSync } from "node:fs";
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { wheelSetTag } from "../domain/cache-ref.js";
import { type Manifest, sameRequirements } from "../domain/manifest.js";
import { normalizeName } from "../domain/names.js";
import { MAX_CONFIG_BYTES, parseWheelSetArtifact, wheelSetManifestOf } from "../domain/wheelset-artifact.js";
import { step } from "../events.js";
import { publishManifest } from "../execute/publish-wheelhouse.js";
import { verifyUnlessKnown } from "../execute/wheel-set.js";
import { createStaging } from "../execute/wheelhouse.js";
import type { BuildFacts, Decision } from "./build-decision.js";
import type { BuildOutcome } from "./build-wheelhouse.js";
import {
  BadCacheEntry,
  getCheckedManifest,
  isRefusedEntry,
  refusedUnless,
  sha256Hex,
} from "./cache-entry-io.js";
import type { WorkflowContext } from "./context.js";
import { cacheUnavailable, type WheelCache } from "./wheel-cache.js";

/** What the lookup found: a restored set, nothing, or an entry refused (a push then replaces it). */
export type CacheLookup =
  | { kind: "restored"; outcome: BuildOutcome }
  | { kind: "miss" }
  | { kind: "refused" }
  | { kind: "unavailable" };

/** The key a build looks up: its inputs fingerprint, the builder expected, SOURCE_DATE_EPOCH. */
export function lookupTag(facts: BuildFacts, decision: Decision): string {
  return wheelSetTag({
    fingerprint: decision.inputs.fingerprints.fingerprint,
    builder: facts.expectedBuilderId,
    sourceDateEpoch: facts.sourceDateEpoch,
  });
}

/** A bad entry: what is wrong with it (never a registry outage). */

export async function restoreFromCache(
  ctx: WorkflowContext,
  project: LoadedProject,
  facts: BuildFacts,
  decision: Decision,
  cache: WheelCache,
): Promise<CacheLookup> {
  const tag = lookupTag(facts, decision);
  const where = cache.registry.ref.text;
  return step(
    ctx.emit,
    "cache",
    `look up ${tag.slice(0, 16)}… in ${where}`,
    async (): Promise<CacheLookup> => {
      try {
        const manifest = await pullEntry(ctx, project, facts, cache, {
          tag,
          fingerprint: decision.inputs.fingerprints.fingerprint,
          sets: decision.inputs.fingerprints.parts.sets.split(" "),
        });
        if (manifest === undefined) return { kind: "miss" };
        const reason = `restored from the registry cache ${where} (${manifest.wheels.length} wheel${manifest.wheels.length === 1 ? "" : "s"}, no builder ran)`;
        ctx.emit({ type: "notice", message: reason });
        facts.store.save(manifest, project.wheelhouseDir);
        return {
          kind: "restored",
          outcome: {
            status: "restored",
            mode: { kind: "full", reason },
            manifest,
            wheelhouse: project.wheelhouseDir,
          },
        };
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        if (isRefusedEntry(error)) {
          ctx.emit({
            type: "warning",
            message: `the registry cache ${where} holds a bad entry under ${tag} (${error.message}): refused, building locally`,
          });
          return { kind: "refused" };
        }
        cacheUnavailable(ctx, cache, error, "builds locally");
        return { kind: "unavailable" };
      }
    },
    ctx.clock,
    (lookup) =>
      lookup.kind === "restored" ? `hit: ${lookup.outcome.manifest.wheels.length} wheels` : lookup.kind,
  );
}

/** The entry under `tag`, checked and published; undefined when there is none. */
async function pullEntry(
  ctx: WorkflowContext,
  project: LoadedProject,
  facts: BuildFacts,
  cache: WheelCache,
  { tag, fingerprint, sets }: { tag: string; fingerprint: string; sets: readonly string[] },
): Promise<Manifest | undefined> {
  const { registry } = cache;
  const found = await getCheckedManifest(registry, tag);
  if (found === undefined) return undefined;
  const artifact = refusedUnless(() =>
    parseWheelSetArtifact(JSON.parse(found.toString("utf8")), cache.limits),
  );
  const config = await registry.getBlobBytes(
    artifact.config.digest,
    Math.min(artifact.config.size, MAX_CONFIG_BYTES),
  );
  if (`sha256:${sha256Hex(config)}` !== artifact.config.digest)
    throw new BadCacheEntry("the config blob's sha256 is not its digest");
  const manifest = refusedUnless(() =>
    wheelSetManifestOf(config.toString("utf8"), artifact.layers, {
      fingerprint,
      builder: facts.expectedBuilderId,
      sourceDateEpoch: facts.sourceDateEpoch,
      app: normalizeName(project.metadata.name ?? project.config.app.value),
      sets,
    }),
  );
  const staging = createStaging(project.wheelhouseDir, facts.runId);
  try {
    const byName = new Map(manifest.wheels.map((wheel) => [wheel.filename, wheel]));
    for (const layer of artifact.layers) {
      ctx.signal.throwIfAborted();
      const file = path.join(staging, layer.filename);
      const received = await registry.getBlob(layer.digest, file, layer.size);
      if (received !== layer.sha256)
        throw new BadCacheEntry(`${layer.filename}: the blob's sha256 is not its digest`);
      // The same checks as a builder's wheels: a sound zip, RECORD, METADATA's name and version.
      const verified = await verifyUnlessKnown(file, layer.filename, facts.store, received);
      const listed = byName.get(layer.filename)!;
      if (
        verified.name !== listed.name ||
        verified.version !== listed.version ||
        verified.size !== listed.size ||
        !sameRequirements(verified.requiresDist, listed.requires)
      )
        throw new BadCacheEntry(`${layer.filename} is not the wheel the set's manifest describes`);
    }
    const app = byName.get(manifest.app.filename)!;
    if (!sameRequirements(app.requires, manifest.app.requires))
      throw new BadCacheEntry("the application's requirements disagree with its wheel");
    ctx.signal.throwIfAborted();
    publishManifest(project.wheelhouseDir, staging, facts.runId, manifest);
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
