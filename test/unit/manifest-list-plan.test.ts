// Which manifest lists `push` publishes (issue 14), decided without an engine: a family pushed
// whole gets one list per release tag, its members the pushed digests with their platforms; a
// family pushed in part gets a warning and no list; platform conflicts are input errors.
import { describe, expect, it } from "vitest";
import type { Platform } from "../../src/domain/platform.js";
import { InputError } from "../../src/errors.js";
import {
  checkFamilyPlatforms,
  type FamilyTarget,
  type PushedRelease,
  planManifestLists,
} from "../../src/plan/manifest-list-plan.js";

const REPO = "127.0.0.1:5000/acme/app-release";
const AMD64: Platform = { os: "linux", architecture: "amd64", variant: undefined };
const ARM64: Platform = { os: "linux", architecture: "arm64", variant: "v8" };
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

const TARGETS: FamilyTarget[] = [
  { name: "bookworm-amd64", family: "bookworm", platform: undefined },
  { name: "bookworm-arm64", family: "bookworm", platform: "linux/arm64" },
  { name: "trixie", family: undefined, platform: undefined },
];

/** A target's release pushed with `tags` (each ending -<target>), digests numbered from `first`. */
function pushed(
  target: string,
  platform: Platform,
  first: number,
  tags = ["abc123", "1.0", "v2"],
): PushedRelease {
  return {
    target,
    platform,
    pushed: tags.map((tag, index) => ({
      reference: `${REPO}:${tag}-${target}`,
      digest: digest(first + index),
    })),
  };
}

describe("planning the manifest lists of a push", () => {
  it("publishes one list per release tag of a family pushed whole, its members by pushed digest", () => {
    const plan = planManifestLists(TARGETS, [
      pushed("bookworm-amd64", AMD64, 1),
      pushed("bookworm-arm64", ARM64, 4),
      pushed("trixie", AMD64, 7),
    ]);
    expect(plan.warnings).toEqual([]);
    expect(plan.lists.map((list) => list.name)).toEqual([
      `${REPO}:abc123-bookworm`,
      `${REPO}:1.0-bookworm`,
      `${REPO}:v2-bookworm`,
    ]);
    expect(plan.lists[0]).toEqual({
      family: "bookworm",
      name: `${REPO}:abc123-bookworm`,
      members: [
        { target: "bookworm-amd64", reference: `${REPO}@${digest(1)}`, platform: AMD64 },
        { target: "bookworm-arm64", reference: `${REPO}@${digest(4)}`, platform: ARM64 },
      ],
    });
    expect(plan.lists[2]!.members.map((m) => m.reference)).toEqual([
      `${REPO}@${digest(3)}`,
      `${REPO}@${digest(6)}`,
    ]);
  });

  it("a family only part of which was pushed: a warning naming the targets left out, and no list", () => {
    const plan = planManifestLists(TARGETS, [pushed("bookworm-arm64", ARM64, 4)]);
    expect(plan.lists).toEqual([]);
    expect(plan.warnings).toEqual([
      expect.stringMatching(
        /^family bookworm: its manifest list was not published: target bookworm-amd64 was not pushed in this run/,
      ),
    ]);
    // A family none of whose targets was pushed is simply not this run's business.
    expect(planManifestLists(TARGETS, [pushed("trixie", AMD64, 7)])).toEqual({ lists: [], warnings: [] });
  });

  it("no families, no lists", () => {
    const plain = TARGETS.map((target) => ({ ...target, family: undefined }));
    expect(planManifestLists(plain, [pushed("bookworm-amd64", AMD64, 1)])).toEqual({
      lists: [],
      warnings: [],
    });
  });

  it("two members whose images are of one platform: an input error naming both", () => {
    const error = (() => {
      try {
        planManifestLists(TARGETS, [pushed("bookworm-amd64", ARM64, 1), pushed("bookworm-arm64", ARM64, 4)]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      "Targets bookworm-amd64 and bookworm-arm64 of family bookworm are both linux/arm64/v8 (what their release images say): a manifest list holds one image per platform",
    );
  });

  it("an image of another platform than its target declares: an input error naming both platforms", () => {
    expect(() => checkFamilyPlatforms(TARGETS, new Map([["bookworm-arm64", AMD64]]))).toThrow(
      "Target bookworm-arm64 declares platform linux/arm64, but its release image is linux/amd64",
    );
    // The config's linux/arm64 is the image's arm64/v8.
    expect(() => checkFamilyPlatforms(TARGETS, new Map([["bookworm-arm64", ARM64]]))).not.toThrow();
  });
});
