// `wheelwright image` against the real engine, each test on its own copy of examples/polls (or a
// fixture project), building the images it needs.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execaSync } from "execa";
import { describe, expect, it } from "vitest";
import { runCli, sh } from "../support/cli.js";
import { engineOrSkip, imageExists } from "../support/engine.js";
import { commitAll, copyPolls, git, makeProject, projectOf } from "../support/fixtures.js";
import { RUN_LABEL, testRun } from "../support/test-run.js";

interface Inspect {
  Id: string;
  RepoTags: string[];
  Config: { Labels: Record<string, string> };
  RootFS: { Layers: string[] };
}

function inspect(ref: string): Inspect {
  return (JSON.parse(String(execaSync("docker", ["image", "inspect", ref]).stdout)) as Inspect[])[0]!;
}

/** A fresh polls copy, with its commit's facts. */
function pollsCopy() {
  const root = copyPolls();
  return {
    root,
    sha: git(root, "rev-parse", "HEAD"),
    shortSha: git(root, "rev-parse", "--short=12", "HEAD"),
    commitTime: Number(git(root, "log", "-1", "--format=%ct")),
  };
}

describe.skipIf(engineOrSkip())("wheelwright image (real engine)", () => {
  const repo = (context: string) => `${projectOf("polls")}-${context}`;

  it("builds docker/base then docker/builder, named and labelled by convention", async () => {
    const { root, sha, shortSha, commitTime } = pollsCopy();
    const base = await runCli(["image", "docker/base"], { cwd: root });
    expect(base.exitCode, base.stderr).toBe(0);
    expect(base.stdout.trim()).toBe(`${repo("base")}:${shortSha} ${repo("base")}:latest`);
    const builder = await runCli(["image", "docker/builder"], { cwd: root });
    expect(builder.exitCode, builder.stderr).toBe(0);

    const baseImage = inspect(`${repo("base")}:${shortSha}`);
    const builderImage = inspect(`${repo("builder")}:${shortSha}`);
    expect(baseImage.RepoTags).toContain(`${repo("base")}:latest`);
    expect(builderImage.Config.Labels).toMatchObject({
      "org.opencontainers.image.revision": sha,
      "org.opencontainers.image.created": new Date(commitTime * 1000).toISOString(),
      "org.opencontainers.image.version": "latest",
      "org.opencontainers.image.source": `file://${root}`,
      "io.wheelwright.project": projectOf("polls"),
      "io.wheelwright.context": "builder",
    });
    // FROM ${BASE_IMAGE} followed the base built from this commit: its layers are the builder's first ones.
    expect(builderImage.RootFS.Layers.slice(0, baseImage.RootFS.Layers.length)).toEqual(
      baseImage.RootFS.Layers,
    );
    // The builder holds what the seed's builder holds for building (the compiler and wheel); its
    // VOLUME and CMD lines are gone, since wheelwright copies the source in and the wheels out.
    const inside = await sh(
      `docker run --rm --network none ${repo("builder")}:${shortSha} sh -c 'command -v gcc && python -c "import wheel" && echo wheel-ok'`,
    );
    expect(inside).toMatch(/gcc\nwheel-ok$/);
  });

  it("tags a dirty work tree <sha>-dirty and leaves the clean commit's tag alone", async () => {
    const { root, shortSha } = pollsCopy();
    expect((await runCli(["image", "docker/base"], { cwd: root })).exitCode).toBe(0);
    const before = inspect(`${repo("base")}:${shortSha}`).Id;
    appendFileSync(path.join(root, "docker", "base", "Dockerfile"), "ENV DIRTY=1\n");
    const result = await runCli(["image", "docker/base"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/uncommitted changes/);
    expect(inspect(`${repo("base")}:${shortSha}-dirty`).Config.Labels["io.wheelwright.dirty"]).toBe("true");
    expect(inspect(`${repo("base")}:${shortSha}`).Id).toBe(before);
  });

  it("removes the image a rebuild replaced, and no other image (of this project or another)", async () => {
    const { root, shortSha } = pollsCopy();
    // A dangling image of another project must survive (labelled with the run: the teardown removes it).
    const other = await sh(
      `printf 'FROM ${testRun().baseImage}\\nLABEL marker=theirs-${Date.now()}\\n' | docker build -q --label io.wheelwright.project=${projectOf("otherproj")} --label ${RUN_LABEL}=${testRun().id} -`,
      { env: { DOCKER_BUILDKIT: "0" } },
    );
    const dockerfile = path.join(root, "docker", "base", "Dockerfile");
    appendFileSync(dockerfile, "ENV REPLACED=1\n");
    expect((await runCli(["image", "docker/base"], { cwd: root })).exitCode).toBe(0);
    const first = inspect(`${repo("base")}:${shortSha}-dirty`).Id;
    appendFileSync(dockerfile, "ENV REPLACED=2\n");
    const second = await runCli(["image", "docker/base"], { cwd: root });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/removed the base image this build replaced/);
    // Both its tags (:sha-dirty and :latest) moved away from the first image: it is gone.
    expect(imageExists(first)).toBe(false);
    expect(imageExists(other)).toBe(true);
  });

  it("image --all builds every folder but release, each after the image it is built FROM", async () => {
    // Folder names whose alphabetical order is not the FROM order: aaa-tools is FROM the builder.
    const root = makeProject({ scenario: "order" });
    const images = path.join(root, "docker");
    writeFileSync(path.join(images, "builder", "Dockerfile"), "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n");
    for (const [folder, dockerfile] of [
      ["aaa-tools", "ARG BUILDER_IMAGE\nFROM ${BUILDER_IMAGE}\n"],
      ["release", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n"],
    ]) {
      mkdirSync(path.join(images, folder!));
      writeFileSync(path.join(images, folder!, "Dockerfile"), dockerfile!);
    }
    commitAll(root, "images");
    const result = await runCli(["image", "--all"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    const order = [...result.stderr.matchAll(/^» image ([\w-]+)/gm)].map((m) => m[1]);
    expect(order).toEqual(["base", "builder", "aaa-tools"]);
  });

  it("refuses a FROM image missing on the engine when pulls are off, before building anything", async () => {
    const root = makeProject({ scenario: "nobase" });
    const missing = `${testRun().namespace}/no-such-image:1`;
    writeFileSync(path.join(root, "docker", "base", "Dockerfile"), `FROM ${missing}\n`);
    commitAll(root, "missing base");
    const result = await runCli(["image", "docker/base"], { cwd: root });
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain(
      `FROM image missing on the engine, and pulls are off (pull = false): ${missing}`,
    );
    expect(result.stderr).not.toMatch(/» image base/);
  });

  it("works outside a git repository with only the version tag, and a warning", async () => {
    const root = makeProject({ scenario: "nogit", git: "none" });
    const result = await runCli(["image", "docker/base"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(`${projectOf("nogit")}-base:latest`);
    expect(result.stderr).toMatch(/not in a git repository/);
  });
});
