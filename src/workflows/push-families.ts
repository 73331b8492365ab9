// `push`'s manifest lists (issue 14): before anything is pushed, what each family member's release
// image says it runs on (conflicts stop the push); after every target is pushed, one list per
// family and release tag, its members the digests just pushed. Credentials as for the images: the
// engine's own login, or --password-stdin into a temporary engine config made for the lists.
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import type { Platform } from "../domain/platform.js";
import { parsePlatform, platformName } from "../domain/platform.js";
import type { ContainerEngine } from "../engine/engine.js";
import { RegistryError } from "../errors.js";
import { step } from "../events.js";
import { makeScratch, scratchPath } from "../execute/scratch.js";
import {
  checkFamilyPlatforms,
  type FamilyTarget,
  type PlannedManifestList,
  type PushedRelease,
  planManifestLists,
} from "../plan/manifest-list-plan.js";
import type { PushPlan } from "../plan/push-plan.js";
import type { WorkflowContext } from "./context.js";
import { login, registryFailure } from "./push-images.js";

export interface PublishedManifestList {
  family: string;
  name: string;
  digest: string;
  members: { target: string; platform: string; digest: string }[];
}

/** A pushed target: its push plan and what push returned (`repo:tag@digest` lines). */
export interface PushedTarget {
  project: LoadedProject;
  plan: PushPlan;
  pushed: readonly string[];
}

const familyTargets = (project: LoadedProject): FamilyTarget[] =>
  project.targets.map(({ name, family, platform }) => ({ name, family, platform }));

/**
 * The platform of each family member's release image among `selected` (a missing image is left
 * to push's own check), after checking that no family has two of one platform.
 */
export async function familyPlatforms(
  engine: ContainerEngine,
  selected: readonly { project: LoadedProject; plan: PushPlan }[],
): Promise<Map<string, Platform>> {
  const platforms = new Map<string, Platform>();
  for (const { project, plan } of selected) {
    if (project.target?.family === undefined) continue;
    const info = await engine.inspectImage(plan.release);
    if (info !== undefined) platforms.set(project.target.name, parsePlatform(info.platform));
  }
  const [first] = selected;
  if (first !== undefined) checkFamilyPlatforms(familyTargets(first.project), platforms);
  return platforms;
}

/** What a pushed target contributes to a list: its release references with their digests. */
function pushedRelease(target: PushedTarget, platform: Platform): PushedRelease {
  const repository = target.plan.release.slice(0, target.plan.release.lastIndexOf(":"));
  return {
    target: target.project.target!.name,
    platform,
    pushed: target.pushed
      .map((entry) => ({
        reference: entry.slice(0, entry.lastIndexOf("@")),
        digest: entry.slice(entry.lastIndexOf("@") + 1),
      }))
      .filter((entry) => entry.reference.startsWith(`${repository}:`)),
  };
}

/** Publishes the lists of every family whose targets were all pushed; warns about the others. */
export async function publishManifestLists(
  ctx: WorkflowContext,
  engine: ContainerEngine,
  pushed: readonly PushedTarget[],
  platforms: ReadonlyMap<string, Platform>,
): Promise<PublishedManifestList[]> {
  const [first] = pushed;
  if (first === undefined || first.project.target === undefined) return [];
  const releases = pushed
    .filter((target) => platforms.has(target.project.target!.name))
    .map((target) => pushedRelease(target, platforms.get(target.project.target!.name)!));
  const { lists, warnings } = planManifestLists(familyTargets(first.project), releases);
  for (const message of warnings) ctx.emit({ type: "warning", message });
  if (lists.length === 0) return [];
  // Each target's temporary login went with its push: the lists get their own.
  const own =
    first.plan.username === undefined
      ? undefined
      : path.join(scratchPath(ctx.tmpdir, ctx.newRunId()), "engine-config");
  const scratch = own === undefined ? undefined : makeScratch(path.dirname(own));
  const access = {
    registry: first.plan.registry,
    username: first.plan.username,
    configDir: own,
    insecure: first.plan.insecure,
  };
  try {
    if (access.username !== undefined) await login(ctx, access, engine);
    const published: PublishedManifestList[] = [];
    for (const list of lists)
      published.push(await publishOne(ctx, engine, list, access, first.project.config.timeout.value));
    return published;
  } finally {
    scratch?.dispose();
  }
}

async function publishOne(
  ctx: WorkflowContext,
  engine: ContainerEngine,
  list: PlannedManifestList,
  access: { registry: string; configDir: string | undefined; insecure: boolean },
  timeoutSeconds: number,
): Promise<PublishedManifestList> {
  const id = `manifest-list:${list.name}`;
  const digest = await step(
    ctx.emit,
    id,
    `publish the manifest list ${list.name} (${list.members.map((m) => platformName(m.platform)).join(", ")})`,
    async () => {
      const result = await engine.publishManifestList(list.name, list.members, {
        timeoutMs: timeoutSeconds * 1000,
        signal: ctx.signal,
        configDir: access.configDir,
        insecure: access.insecure,
        onOutput: (line, stream) => ctx.emit({ type: "output", id, line, stream }),
      });
      ctx.signal.throwIfAborted();
      if (result.exitCode === 0 && result.digest !== undefined) return result.digest;
      throw listFailure(list.name, access.registry, result);
    },
    ctx.clock,
    (published) => published,
  );
  return {
    family: list.family,
    name: list.name,
    digest,
    members: list.members.map((member) => ({
      target: member.target,
      platform: platformName(member.platform),
      digest: member.reference.slice(member.reference.lastIndexOf("@") + 1),
    })),
  };
}

/** A refused list names itself; the images it would have named stay pushed. */
function listFailure(
  name: string,
  registry: string,
  result: Parameters<typeof registryFailure>[2],
): RegistryError {
  const failure = registryFailure(registry, `the manifest list ${name}`, result);
  if (failure.hint !== undefined) return failure;
  return new RegistryError(`${registry || "The registry"} refused the manifest list ${name}`, {
    details: result.output.trim().split("\n").slice(-5),
    hint: "Its images were pushed and stay; the registry must accept manifest lists (Docker manifest list v2 or OCI image index). Run the same push again once it does.",
  });
}
