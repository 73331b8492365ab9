// Which manifest lists `push` publishes (issue 14): a family's targets, once all of them were
// pushed in this run, as one list per release tag (`:<sha>-<target>` -> `:<sha>-<family>`), each
// member the digest push produced with the platform its release image says. Pure: targets,
// selection, platforms and pushed digests in; lists and warnings (or a typed error) out.
import type { ManifestListMember } from "../domain/manifest-list-commands.js";
import { type Platform, platformName, samePlatform } from "../domain/platform.js";
import { InputError } from "../errors.js";

export interface FamilyTarget {
  name: string;
  family: string | undefined;
  /** The config's `platform`, if any. */
  platform: string | undefined;
}

export interface PushedRelease {
  target: string;
  /** What the target's release image says it runs on. */
  platform: Platform;
  /** Each release reference pushed (`repo:<tag>-<target>`) and the digest the registry holds. */
  pushed: readonly { reference: string; digest: string }[];
}

export interface PlannedManifestList {
  family: string;
  /** `repo:<tag>-<family>`. */
  name: string;
  members: (ManifestListMember & { target: string })[];
}

export interface ManifestListsPlan {
  lists: PlannedManifestList[];
  /** Families not published, each with why (never a partial list). */
  warnings: string[];
}

/** The families of the targets, each with its members in the config's order. */
export function familiesOf(targets: readonly FamilyTarget[]): Map<string, FamilyTarget[]> {
  const families = new Map<string, FamilyTarget[]>();
  for (const target of targets) {
    if (target.family === undefined) continue;
    families.set(target.family, [...(families.get(target.family) ?? []), target]);
  }
  return families;
}

/**
 * Checked before anything is pushed: each family member's release image is of the platform it
 * declares (if it declares one), and no two members of one family are of one platform.
 */
export function checkFamilyPlatforms(
  targets: readonly FamilyTarget[],
  platforms: ReadonlyMap<string, Platform>,
): void {
  for (const [family, members] of familiesOf(targets)) {
    const known = members.filter((member) => platforms.has(member.name));
    for (const member of known) {
      const actual = platforms.get(member.name)!;
      if (member.platform !== undefined && !samePlatform(member.platform, platformName(actual)))
        throw new InputError(
          `Target ${member.name} declares platform ${member.platform}, but its release image is ${platformName(actual)}`,
          {
            hint: "A manifest list must name each image's true platform: fix the target's `platform`, or build its images FROM a base of that platform.",
          },
        );
      const twin = known
        .slice(0, known.indexOf(member))
        .find((other) => platformName(platforms.get(other.name)!) === platformName(actual));
      if (twin !== undefined)
        throw new InputError(
          `Targets ${twin.name} and ${member.name} of family ${family} are both ${platformName(actual)} (what their release images say): a manifest list holds one image per platform`,
          {
            hint: "Build one of them for another platform (its base FROM another architecture), or put it in another family.",
          },
        );
    }
  }
}

/** `repo:tag` split at the tag's colon (a registry's port has one too). */
function splitReference(reference: string): { repository: string; tag: string } {
  const at = reference.lastIndexOf(":");
  return at > reference.lastIndexOf("/")
    ? { repository: reference.slice(0, at), tag: reference.slice(at + 1) }
    : { repository: reference, tag: "" };
}

/** A family all of whose targets were pushed: one list per release tag of its first member. */
function familyLists(family: string, members: readonly PushedRelease[]): PlannedManifestList[] {
  const [first] = members;
  if (first === undefined) return [];
  const lists: PlannedManifestList[] = [];
  for (const { reference } of first.pushed) {
    const { repository, tag } = splitReference(reference);
    if (!tag.endsWith(`-${first.target}`)) continue;
    const stem = tag.slice(0, -`-${first.target}`.length);
    const found = members.map((member) => {
      const own = member.pushed.find((p) => p.reference === `${repository}:${stem}-${member.target}`);
      return (
        own && { target: member.target, reference: `${repository}@${own.digest}`, platform: member.platform }
      );
    });
    if (found.every((member) => member !== undefined))
      lists.push({ family, name: `${repository}:${stem}-${family}`, members: found });
  }
  return lists;
}

/**
 * The lists to publish: for each family whose targets were all pushed in this run (`pushed`), one
 * per release tag. A family only part of which was pushed gets a warning and no list.
 */
export function planManifestLists(
  targets: readonly FamilyTarget[],
  pushed: readonly PushedRelease[],
): ManifestListsPlan {
  checkFamilyPlatforms(targets, new Map(pushed.map((release) => [release.target, release.platform])));
  const lists: PlannedManifestList[] = [];
  const warnings: string[] = [];
  for (const [family, members] of familiesOf(targets)) {
    const releases = members.map((member) => pushed.find((release) => release.target === member.name));
    const missing = members.filter((_, index) => releases[index] === undefined).map((member) => member.name);
    if (missing.length === members.length) continue;
    if (missing.length > 0) {
      warnings.push(
        `family ${family}: its manifest list was not published: target${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ${missing.length > 1 ? "were" : "was"} not pushed in this run (a list names every target of its family; push them all, e.g. without --target)`,
      );
      continue;
    }
    lists.push(...familyLists(family, releases as PushedRelease[]));
  }
  return { lists, warnings };
}
