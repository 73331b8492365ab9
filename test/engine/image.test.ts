// `wheelwright image` against the real engine, on a copy of examples/polls.

import { appendFileSync } from "node:fs";
import path from "node:path";
import { execaSync } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, sh } from "../support/cli.js";
import { engineOrSkip, ensureTestImages } from "../support/engine.js";
import { copyPolls, makeProject } from "../support/fixtures.js";

interface Inspect {
  Id: string;
  RepoTags: string[];
  Config: { Labels: Record<string, string> };
  RootFS: { Layers: string[] };
}

function inspect(ref: string): Inspect {
  return (JSON.parse(String(execaSync("docker", ["image", "inspect", ref]).stdout)) as Inspect[])[0]!;
}

describe.skipIf(engineOrSkip())("wheelwright image (real engine)", () => {
  let root: string;
  let sha: string;
  let shortSha: string;
  let commitTime: number;

  beforeAll(async () => {
    ensureTestImages();
    root = copyPolls();
    sha = await sh("git rev-parse HEAD", { cwd: root });
    shortSha = await sh("git rev-parse --short=12 HEAD", { cwd: root });
    commitTime = Number(await sh("git log -1 --format=%ct", { cwd: root }));
  });

  it("builds docker/base then docker/builder, named and labelled by convention", async () => {
    const base = await runCli(["image", "docker/base"], { cwd: root });
    expect(base.exitCode, base.stderr).toBe(0);
    expect(base.stdout.trim()).toBe(
      `wheelwright-examples/polls-base:${shortSha} wheelwright-examples/polls-base:latest`,
    );
    const builder = await runCli(["image", "docker/builder"], { cwd: root });
    expect(builder.exitCode, builder.stderr).toBe(0);

    const baseImage = inspect(`wheelwright-examples/polls-base:${shortSha}`);
    const builderImage = inspect(`wheelwright-examples/polls-builder:${shortSha}`);
    expect(baseImage.RepoTags).toContain("wheelwright-examples/polls-base:latest");
    expect(builderImage.Config.Labels).toMatchObject({
      "org.opencontainers.image.revision": sha,
      "org.opencontainers.image.created": new Date(commitTime * 1000).toISOString(),
      "org.opencontainers.image.version": "latest",
      "org.opencontainers.image.source": `file://${root}`,
      "io.wheelwright.project": "wheelwright-examples/polls",
      "io.wheelwright.context": "builder",
    });
    // FROM ${BASE_IMAGE} followed the base built from this commit: its layers are the builder's first ones.
    expect(builderImage.RootFS.Layers.slice(0, baseImage.RootFS.Layers.length)).toEqual(
      baseImage.RootFS.Layers,
    );
    // The builder holds what the seed's builder holds.
    const inside = await sh(
      `docker run --rm --network none wheelwright-examples/polls-builder:${shortSha} sh -c 'command -v gcc && python -c "import wheel" && echo $PIP_WHEEL_DIR'`,
    );
    expect(inside).toMatch(/gcc\n\/wheelhouse$/);
  });

  it("tags a dirty work tree <sha>-dirty and leaves the clean commit's tag alone", async () => {
    const before = inspect(`wheelwright-examples/polls-base:${shortSha}`).Id;
    appendFileSync(path.join(root, "docker", "base", "Dockerfile"), "ENV DIRTY=1\n");
    const result = await runCli(["image", "docker/base"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/uncommitted changes/);
    expect(
      inspect(`wheelwright-examples/polls-base:${shortSha}-dirty`).Config.Labels["io.wheelwright.dirty"],
    ).toBe("true");
    expect(inspect(`wheelwright-examples/polls-base:${shortSha}`).Id).toBe(before);
    await sh("git checkout -- docker/base/Dockerfile", { cwd: root });
  });

  it("removes the image a rebuild replaced, and no other image (of this project or another)", async () => {
    // A dangling image of another project must survive, and so must this project's stage caches.
    const other = await sh(
      `printf 'FROM debian:bookworm-slim\\nLABEL marker=theirs-${Date.now()}\\n' | docker build -q --label io.wheelwright.project=wwtest/otherproj -`,
      { env: { DOCKER_BUILDKIT: "0" } },
    );
    const dockerfile = path.join(root, "docker", "base", "Dockerfile");
    appendFileSync(dockerfile, "ENV REPLACED=1\n");
    expect((await runCli(["image", "docker/base"], { cwd: root })).exitCode).toBe(0);
    const first = inspect(`wheelwright-examples/polls-base:${shortSha}-dirty`).Id;
    appendFileSync(dockerfile, "ENV REPLACED=2\n");
    const second = await runCli(["image", "docker/base"], { cwd: root });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/removed the base image this build replaced/);
    // Both its tags (:sha-dirty and :latest) moved away from the first image: it is gone.
    expect(execaSync("docker", ["image", "inspect", first], { reject: false }).exitCode).not.toBe(0);
    expect(execaSync("docker", ["image", "inspect", other], { reject: false }).exitCode).toBe(0);
    await sh(`docker image rm -f ${other}`);
    await sh("git checkout -- docker/base/Dockerfile", { cwd: root });
    expect((await runCli(["image", "docker/base"], { cwd: root })).exitCode).toBe(0);
  });

  it("image --all builds every folder but release, base first", async () => {
    const result = await runCli(["image", "--all"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    const order = [...result.stderr.matchAll(/^» image (\w+)/gm)].map((m) => m[1]);
    expect(order).toEqual(["base", "builder"]);
  });

  it("refuses a FROM image missing on the engine when pulls are off, before building anything", async () => {
    const root3 = makeProject({ scenario: "nobase" });
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path.join(root3, "docker", "base", "Dockerfile"), "FROM wwtest/no-such-image:1\n");
    const result = await runCli(["image", "docker/base"], { cwd: root3 });
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(
      /FROM image missing on the engine, and pulls are off \(pull = false\): wwtest\/no-such-image:1/,
    );
    expect(result.stderr).not.toMatch(/» image base/);
  });

  it("works outside a git repository with only the version tag, and a warning", async () => {
    const root2 = makeProject({ scenario: "nogit", git: "none" });
    const result = await runCli(["image", "docker/base"], { cwd: root2 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe("wwtest/nogit-base:latest");
    expect(result.stderr).toMatch(/not in a git repository/);
  });
});
