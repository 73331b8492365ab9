import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import { imageBuildCommand } from "../../src/domain/engine-commands.js";
import type { GitFacts } from "../../src/domain/git-facts.js";
import { InputError } from "../../src/errors.js";
import {
  type ContextFolder,
  type ImageBuildStep,
  type ImagePlanInputs,
  planImages,
} from "../../src/plan/image-plan.js";

const config = resolveConfig({
  fileTable: { namespace: "acme", network: "host" },
  fileLabel: "pyproject.toml [tool.wheelwright]",
  env: {},
  flags: {},
  projectName: { value: "polls", detail: "setup.py" },
});
const git: GitFacts = {
  kind: "commit",
  sha: "abcdef1234567890",
  shortSha: "abcdef123456",
  dirty: false,
  commitTime: 1_700_000_000,
  remote: undefined,
};
const folder = (name: string, dockerfile: string | undefined): ContextFolder => ({
  folder: name,
  path: `docker/${name}`,
  dockerfile,
  contentHash: `hash-${name}`,
});
const contexts = [
  folder("base", "FROM debian:bookworm-slim\n"),
  folder("builder", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n"),
  folder("release", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n"),
];
const inputs = (over: Partial<ImagePlanInputs> = {}): ImagePlanInputs => ({
  config,
  contexts,
  request: { targets: [], all: true },
  git,
  existingImages: new Map(),
  now: 1_800_000_000,
  sourceUrl: "file:///project",
  root: "/project",
  binary: "docker",
  scratchDir: "/tmp/wheelwright-run1",
  ...over,
});
const builds = (plan: ReturnType<typeof planImages>) =>
  plan.steps.filter((s): s is ImageBuildStep => s.kind === "build-image");

function detailsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.details.join("\n");
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("image plan", () => {
  it("--all builds base before builder and skips the release folder", () => {
    const plan = planImages(inputs());
    expect(plan.steps.map((s) => s.context)).toEqual(["base", "builder"]);
  });

  it("tags :sha and :version, passes every project image as a build arg, and labels", () => {
    const [base] = builds(planImages(inputs()));
    expect(base!.tags).toEqual(["acme/polls-base:abcdef123456", "acme/polls-base:latest"]);
    expect(base!.spec.buildArgs).toEqual({
      BASE_IMAGE: "acme/polls-base:abcdef123456",
      BUILDER_IMAGE: "acme/polls-builder:abcdef123456",
      RELEASE_IMAGE: "acme/polls-release:abcdef123456",
    });
    expect(base!.labels).toMatchObject({
      "org.opencontainers.image.revision": "abcdef1234567890",
      "org.opencontainers.image.created": "2023-11-14T22:13:20.000Z",
      "org.opencontainers.image.version": "latest",
      "org.opencontainers.image.source": "file:///project",
      "io.wheelwright.project": "acme/polls",
      "io.wheelwright.context": "base",
    });
    expect(base!.spec.network).toBe("host");
  });

  it("tags a dirty tree -dirty, never with the clean commit's tag", () => {
    const plan = planImages(inputs({ git: { ...git, dirty: true } }));
    const tags = builds(plan).flatMap((s) => s.tags);
    expect(tags).toContain("acme/polls-base:abcdef123456-dirty");
    expect(tags).not.toContain("acme/polls-base:abcdef123456");
    expect(plan.warnings.join()).toMatch(/uncommitted changes/);
  });

  it("outside git uses only the version tag, with a warning, and the clock for created", () => {
    const plan = planImages(inputs({ git: { kind: "none", reason: "not a git repository" } }));
    expect(builds(plan)[0]!.tags).toEqual(["acme/polls-base:latest"]);
    expect(builds(plan)[0]!.labels["org.opencontainers.image.created"]).toBe("2027-01-15T08:00:00.000Z");
    expect(plan.warnings.join()).toMatch(/not a git repository/);
  });

  it("builds a missing dependency first, and not one that exists", () => {
    expect(
      builds(planImages(inputs({ request: { targets: ["builder"], all: false } }))).map((s) => [
        s.context,
        s.reason,
      ]),
    ).toEqual([
      ["base", "dependency"],
      ["builder", "requested"],
    ]);
    // A base with the same content exists (tagged at another commit): used as it is, not rebuilt.
    const existing = new Map([["base", "acme/polls-base:0ldc0mm1t000"]]);
    const plan = planImages(
      inputs({ request: { targets: ["builder"], all: false }, existingImages: existing }),
    );
    expect(builds(plan).map((s) => s.context)).toEqual(["builder"]);
    expect(builds(plan)[0]!.spec.buildArgs.BASE_IMAGE).toBe("acme/polls-base:0ldc0mm1t000");
    // A requested image is always built, and the others' build args then name its new tag.
    const all = planImages(inputs({ existingImages: existing }));
    expect(builds(all).map((s) => s.context)).toEqual(["base", "builder"]);
    expect(builds(all)[1]!.spec.buildArgs.BASE_IMAGE).toBe("acme/polls-base:abcdef123456");
  });

  it("gives the builder a content hash that changes with its base folder", () => {
    const hash = (plan: ReturnType<typeof planImages>) =>
      builds(plan).find((s) => s.context === "builder")!.labels["io.wheelwright.context-hash"];
    const before = hash(planImages(inputs()));
    const after = hash(
      planImages(
        inputs({
          contexts: contexts.map((c) => (c.folder === "base" ? { ...c, contentHash: "changed" } : c)),
        }),
      ),
    );
    expect(before).not.toBe(after);
  });

  it("asks for BuildKit only when a Dockerfile uses RUN --mount", () => {
    const plan = planImages(
      inputs({ contexts: [folder("base", "FROM debian\nRUN --mount=type=cache,target=/c true\n")] }),
    );
    expect(builds(plan)[0]!.needsBuildKit).toBe(true);
    expect(builds(plan)[0]!.spec.builder).toBe("buildkit");
    expect(builds(planImages(inputs()))[0]!.needsBuildKit).toBe(false);
  });

  it("carries the exact command: for docker's legacy builder the labels go into a generated Dockerfile", () => {
    const [legacy] = builds(planImages(inputs()));
    expect(legacy!.writes?.path).toBe("/tmp/wheelwright-run1/base.Dockerfile");
    expect(legacy!.writes?.text).toMatch(
      /^FROM debian:bookworm-slim\nLABEL .*"io.wheelwright.project"="acme\/polls"/,
    );
    expect(legacy!.command.argv).toEqual(imageBuildCommand("docker", legacy!.spec).argv);
    expect(legacy!.command.argv).not.toContain("--label");
    expect(legacy!.command.argv).toContain("/tmp/wheelwright-run1/base.Dockerfile");
    expect(legacy!.command.argv.at(-1)).toBe("/project/docker/base");
    const [podman] = builds(planImages(inputs({ binary: "podman" })));
    expect(podman!.writes).toBeUndefined();
    expect(podman!.command.argv).toContain("io.wheelwright.project=acme/polls");
    expect(podman!.command.argv).toContain("/project/docker/base/Dockerfile");
  });

  it("gives a single requested image its own context, tags and labels (release's candidate)", () => {
    const plan = planImages(
      inputs({
        request: {
          targets: ["release"],
          all: false,
          contextDir: "/tmp/ctx",
          tags: ["acme/polls-release:cand"],
          labels: { x: "1" },
        },
        existingImages: new Map([["base", "acme/polls-base:abcdef123456"]]),
      }),
    );
    const release = builds(plan).at(-1)!;
    expect(release.tags).toEqual(["acme/polls-release:cand"]);
    expect(release.labels.x).toBe("1");
    expect(release.spec.contextDir).toBe("/tmp/ctx");
  });

  it("refuses a folder without a Dockerfile and an unknown folder, listing the valid ones", () => {
    const text = detailsOf(() =>
      planImages(
        inputs({
          contexts: [...contexts, folder("empty", undefined)],
          request: { targets: ["empty", "nosuch"], all: false },
        }),
      ),
    );
    expect(text).toContain("docker/empty has no Dockerfile");
    expect(text).toContain("no image folder 'nosuch' under docker/ (valid: base, builder, empty, release)");
  });

  it("refuses two folders that map to one image name", () => {
    const text = detailsOf(() =>
      planImages(
        inputs({ contexts: [...contexts, folder("dev_tools", "FROM x\n"), folder("dev-tools", "FROM x\n")] }),
      ),
    );
    expect(text).toMatch(
      /docker\/dev_tools and docker\/dev-tools both map to the image name 'acme\/polls-dev-tools'/,
    );
  });

  it("refuses a FROM cycle and a FROM naming a missing project image", () => {
    const cycle = detailsOf(() =>
      planImages(inputs({ contexts: [folder("a", "FROM ${B_IMAGE}\n"), folder("b", "FROM ${A_IMAGE}\n")] })),
    );
    expect(cycle).toMatch(/cycle: a -> b -> a/);
    const missing = detailsOf(() =>
      planImages(inputs({ contexts: [folder("builder", "FROM ${BASE_IMAGE}\n")] })),
    );
    expect(missing).toMatch(
      /FROM \$\{BASE_IMAGE\} names the project image 'base', but there is no folder docker\/base/,
    );
  });
});
