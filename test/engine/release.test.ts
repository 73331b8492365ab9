// `wheelwright release` on the polls example, against the real engine. Every test starts from its
// own copy of polls and builds the wheelhouse and release it needs.
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execaSync } from "execa";
import { describe, expect, it } from "vitest";
import type { Manifest } from "../../src/domain/manifest.js";
import { runCli, sh } from "../support/cli.js";
import { buildKitClientPath, engineOrSkip, imageExists } from "../support/engine.js";
import { commitAll, copyPolls, git, projectOf } from "../support/fixtures.js";
import { expectReleaseSbom, inImage } from "../support/sbom-checks.js";

const tagsOf = (id: string) =>
  JSON.parse(
    String(execaSync("docker", ["image", "inspect", "-f", "{{json .RepoTags}}", id]).stdout),
  ) as string[];
const layersOf = (ref: string) =>
  JSON.parse(
    String(execaSync("docker", ["image", "inspect", "-f", "{{json .RootFS.Layers}}", ref]).stdout),
  ) as string[];

/** `build test`, then `release` with the given tags: must both succeed. */
async function buildAndRelease(root: string, tags: string[] = []) {
  const build = await runCli(["build", "test"], { cwd: root });
  expect(build.exitCode, build.stderr).toBe(0);
  const release = await runCli(["release", ...tags], { cwd: root });
  expect(release.exitCode, release.stderr).toBe(0);
  return release;
}

describe.skipIf(engineOrSkip())("wheelwright release (real engine)", () => {
  const REPO = () => `${projectOf("polls")}-release`;

  it("refuses to release without a wheelhouse, saying to run build", async () => {
    const root = copyPolls();
    const result = await runCli(["release"], { cwd: root });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/There is no wheelhouse/);
    expect(result.stderr).toMatch(/Run `wheelwright build` first/);
  });

  it("builds a release image from the runtime wheels alone: non-root, no compiler, no test package, no wheel", async () => {
    const root = copyPolls();
    const shortSha = git(root, "rev-parse", "--short=12", "HEAD");
    const result = await buildAndRelease(root, ["candidate-1"]);
    expect(result.stdout).toContain(`${REPO()}:${shortSha} ${REPO()}:latest ${REPO()}:candidate-1`);
    expect(result.stdout).toMatch(
      /^sbom: \d+ wheels, \d+ Debian packages, at \/usr\/share\/wheelwright\/sbom\.cdx\.json$/m,
    );
    const image = `${REPO()}:${shortSha}`;
    expectReleaseSbom(path.join(root, "wheelhouse"), image);
    const config = JSON.parse(
      String(execaSync("docker", ["image", "inspect", "-f", "{{json .Config}}", image]).stdout),
    ) as {
      User: string;
      Cmd: string[];
      Labels: Record<string, string>;
    };
    expect(config.User).toBe("10001");
    expect(config.Cmd).toEqual(["python", "-m", "polls"]);
    expect(config.Labels["io.wheelwright.project"]).toBe(projectOf("polls"));
    expect(config.Labels["org.opencontainers.image.revision"]).toBe(git(root, "rev-parse", "HEAD"));
    expect(await sh(`docker run --rm --network none ${image} id -u`)).toBe("10001");
    expect(inImage(image, "command -v gcc cc make || echo none")).toBe("none");
    expect(inImage(image, "find / -xdev -name '*.whl' 2>/dev/null | wc -l")).toBe("0");
    const installed = inImage(image, "python -m pip list --format=freeze").toLowerCase();
    expect(installed).toMatch(/^django==/m);
    expect(installed).toMatch(/^pollstats==/m);
    expect(installed).not.toMatch(/^pytest==/m);
    expect(installed).not.toMatch(/^coverage==/m);
    expect(
      await sh(
        `docker run --rm --network none ${image} python -c "import polls.results as r; print(r.summarise({'x': 2})['winner'])"`,
      ),
    ).toBe("x");
  });

  it("an app-only change rebuilds on the cached dependency layer", async () => {
    const root = copyPolls();
    await buildAndRelease(root);
    const before = layersOf(`${REPO()}:latest`);
    appendFileSync(path.join(root, "polls", "results.py"), "\nRELEASE_CHANGE = 1\n");
    await buildAndRelease(root);
    const after = layersOf(`${REPO()}:latest`);
    // Every layer but the application's and the SBOM's (the last) is shared with the previous release.
    expect(after.slice(0, -2)).toEqual(before.slice(0, -2));
    expect(after.at(-2)).not.toBe(before.at(-2));
    expect(after.at(-1)).not.toBe(before.at(-1));
  });

  it("with a client that has BuildKit, builds the release with it, and an app-only change reuses its dependency layer", async () => {
    const root = copyPolls();
    const scratch = path.join(path.dirname(root), `bk-${path.basename(root)}`);
    const trace = path.join(scratch, "trace.jsonl");
    const env = { PATH: buildKitClientPath(path.join(scratch, "bin")), WHEELWRIGHT_TRACE: trace };
    const release = async () => {
      expect((await runCli(["build", "test"], { cwd: root, env })).exitCode).toBe(0);
      writeFileSync(trace, "");
      const result = await runCli(["release"], { cwd: root, env });
      expect(result.exitCode, result.stderr).toBe(0);
      // The release image's build ran with BuildKit (the SBOM's one-line image keeps the legacy builder).
      const builds = readFileSync(trace, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as { argv: string[]; env: Record<string, string> })
        .filter(
          (line) => line.argv[1] === "build" && line.argv.some((a) => a.includes(":wheelwright-candidate-")),
        );
      expect(builds.map((b) => b.env.DOCKER_BUILDKIT)).toEqual(["1", "0"]);
      return result;
    };
    await release();
    const before = layersOf(`${REPO()}:latest`);
    appendFileSync(path.join(root, "polls", "results.py"), "\nRELEASE_CHANGE = 1\n");
    commitAll(root, "app change");
    const second = await release();
    expect(second.stdout + second.stderr).toMatch(/check the release image/);
    const after = layersOf(`${REPO()}:latest`);
    expect(after.slice(0, -2)).toEqual(before.slice(0, -2));
    expect(after.at(-2)).not.toBe(before.at(-2));
    // What reached the image is what the check allows: non-root, and the app's new code.
    expect(
      String(execaSync("docker", ["image", "inspect", "-f", "{{.Config.User}}", `${REPO()}:latest`]).stdout),
    ).toBe("10001");
    const where =
      "python -c \"import importlib.util as u; print(u.find_spec('polls').submodule_search_locations[0])\"";
    expect(inImage(`${REPO()}:latest`, `grep -c RELEASE_CHANGE "$(${where})/results.py"`)).toBe("1");
  });

  it("refuses a wheelhouse built from other inputs than the current tree, naming what changed", async () => {
    const root = copyPolls();
    expect((await runCli(["build", "test"], { cwd: root })).exitCode).toBe(0);
    appendFileSync(path.join(root, "polls", "results.py"), "\nNOT_BUILT = 1\n");
    const result = await runCli(["release"], { cwd: root });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/built from other inputs than the current ones/);
    expect(result.stderr).toMatch(/changed: the application's code/);
    expect(result.stderr).toMatch(/Run `wheelwright build test`/);
  });

  it("refuses a wheel with a byte flipped after the manifest was written (exit 7), and moves no tag", async () => {
    const root = copyPolls();
    await buildAndRelease(root);
    const latest = tagsOf(`${REPO()}:latest`);
    const manifest = JSON.parse(
      readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8"),
    ) as Manifest;
    const wheel = path.join(root, "wheelhouse", manifest.wheels.find((w) => w.name === "sqlparse")!.filename);
    const flipped = Buffer.from(readFileSync(wheel));
    flipped[100] = flipped[100]! ^ 0xff;
    writeFileSync(wheel, flipped);
    const result = await runCli(["release"], { cwd: root });
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toMatch(/does not match its manifest: sqlparse/);
    expect(tagsOf(`${REPO()}:latest`)).toEqual(latest);
  });

  it("ignores a wheel in the wheelhouse that the manifest does not list", async () => {
    const root = copyPolls();
    expect((await runCli(["build", "test"], { cwd: root })).exitCode).toBe(0);
    const extra = path.join(root, "wheelhouse", "intruder-1.0-py3-none-any.whl");
    copyFileSync(path.join(root, "wheelhouse", "polls-0.1.0-py3-none-any.whl"), extra);
    const result = await runCli(["release"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(inImage(`${REPO()}:latest`, "python -m pip list --format=freeze").toLowerCase()).not.toContain(
      "intruder",
    );
  });

  it("fails its check (exit 5) for an image with a compiler and a test package that runs as root, and creates no tag", async () => {
    const root = copyPolls();
    // pytest, which only the test extra needs, as the image's Python sees it: a dist-info folder.
    const fakePytest = [
      "import os, sysconfig",
      "d = os.path.join(sysconfig.get_paths()['purelib'], 'pytest-8.0.0.dist-info')",
      "os.makedirs(d)",
      "open(os.path.join(d, 'METADATA'), 'w').write('Metadata-Version: 2.1\\nName: pytest\\nVersion: 8.0.0\\n')",
    ].join("; ");
    writeFileSync(
      path.join(root, "docker", "release", "Dockerfile"),
      `ARG BUILDER_IMAGE\nFROM \${BUILDER_IMAGE}\nCOPY wheels/ /wheels/\nRUN python -c "${fakePytest}"\n`,
    );
    commitAll(root, "bad-release");
    const sha = git(root, "rev-parse", "--short=12", "HEAD");
    expect((await runCli(["build", "test"], { cwd: root })).exitCode).toBe(0);
    const result = await runCli(["release", "should-not-exist"], { cwd: root });
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/it runs as root/);
    expect(result.stderr).toMatch(/it holds a compiler: gcc/);
    expect(result.stderr).toMatch(/it holds a wheel file: \/wheels\//);
    expect(result.stderr).toMatch(/it holds pytest, which only extra:test needs/);
    for (const tag of [sha, "should-not-exist"]) expect(imageExists(`${REPO()}:${tag}`)).toBe(false);
  });
});
