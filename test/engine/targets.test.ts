// Issue 14 against the real engine: examples/polls with its two targets, bookworm (Python 3.11) and
// trixie (Python 3.13), built by one `wheelwright build` into two wheelhouses (pollstats compiled
// as a cp311 wheel in one and a cp313 wheel in the other), released as `:<sha>-bookworm` and
// `:<sha>-trixie`, each run with its own Python; and a wheel trixie's Python cannot install refused.
// The suite's only trixie build: every other polls test copies the example without its targets.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execaSync } from "execa";
import { describe, expect, it } from "vitest";
import type { Manifest } from "../../src/domain/manifest.js";
import { runCli, sh } from "../support/cli.js";
import { containersOf, engineOrSkip, imageExists } from "../support/engine.js";
import { commitAll, copyPolls, git, projectOf } from "../support/fixtures.js";
import { expectReleaseSbom, expectWheelhouseSbom } from "../support/sbom-checks.js";
import { testRun } from "../support/test-run.js";

const TRIXIE = "debian:trixie-slim";

const manifestOf = (root: string, target: string) =>
  JSON.parse(readFileSync(path.join(root, "wheelhouse", target, "manifest.json"), "utf8")) as Manifest;
const pollstatsOf = (manifest: Manifest) => manifest.wheels.find((wheel) => wheel.name === "pollstats")!;

/**
 * An sdist whose wheel setuptools tags cp311 whatever Python builds it (`[bdist_wheel] python_tag`):
 * pip resolves it on any Python (it only reads the sdist's metadata), the builder builds it, and
 * only the host's tag check can tell that CPython 3.13 cannot install the result.
 */
async function writeCp311OnlySdist(dir: string): Promise<void> {
  const source = path.join(testRun().tempRoot, "oldtag-src", "oldtag-1.0");
  mkdirSync(source, { recursive: true });
  writeFileSync(path.join(source, "oldtag.py"), 'VERSION = "1.0"\n');
  writeFileSync(
    path.join(source, "setup.py"),
    'from setuptools import setup\nsetup(name="oldtag", version="1.0", py_modules=["oldtag"])\n',
  );
  writeFileSync(path.join(source, "setup.cfg"), "[bdist_wheel]\npython_tag = cp311\n");
  writeFileSync(
    path.join(source, "pyproject.toml"),
    '[build-system]\nrequires = ["setuptools>=61", "wheel"]\nbuild-backend = "setuptools.build_meta"\n',
  );
  await sh(`python3 setup.py -q sdist -d ${dir}`, { cwd: source, env: { PYTHONDONTWRITEBYTECODE: "1" } });
}

describe.skipIf(engineOrSkip())("targets: bookworm and trixie from one command (real engine)", () => {
  it("one build makes a cp311 and a cp313 wheelhouse; release tags each target; run picks its Python; a cp311 wheel is refused on trixie", async () => {
    expect(
      execaSync("docker", ["image", "inspect", TRIXIE], { reject: false }).exitCode,
      `${TRIXIE} is missing on the engine: make it with \`bash .ci/make-base-image.sh ${TRIXIE}\``,
    ).toBe(0);
    const root = copyPolls({ targets: true });
    const sha = git(root, "rev-parse", "--short=12", "HEAD").trim();
    const release = `${projectOf("polls")}-release`;

    const build = await runCli(["build"], { cwd: root });
    expect(build.exitCode, build.stderr).toBe(0);
    const bookworm = manifestOf(root, "bookworm");
    const trixie = manifestOf(root, "trixie");
    expect(bookworm.target).toEqual({ name: "bookworm" });
    expect(trixie.target).toEqual({ name: "trixie" });
    // The sdist compiled by each target's builder, for its own interpreter.
    expect(pollstatsOf(bookworm).filename).toMatch(/^pollstats-1\.0\.0-cp311-cp311-linux_x86_64\.whl$/);
    expect(pollstatsOf(trixie).filename).toMatch(/^pollstats-1\.0\.0-cp313-cp313-linux_x86_64\.whl$/);
    expect(pollstatsOf(bookworm)).toMatchObject({ origin: "built" });
    expect(trixie.wheels.map((wheel) => wheel.name).sort()).toEqual(
      bookworm.wheels.map((wheel) => wheel.name).sort(),
    );
    // One summary: each target's closing line names it.
    expect(build.stdout).toMatch(/^\[bookworm\] wheelhouse\/bookworm: 7 wheels/m);
    expect(build.stdout).toMatch(/^\[trixie\] wheelhouse\/trixie: 7 wheels/m);

    const released = await runCli(["release"], { cwd: root });
    expect(released.exitCode, released.stderr).toBe(0);
    for (const target of ["bookworm", "trixie"]) {
      expect(released.stdout).toContain(`${release}:${sha}-${target}`);
      expect(imageExists(`${release}:${sha}-${target}`)).toBe(true);
      expect(imageExists(`${release}:latest-${target}`)).toBe(true);
    }
    expect(imageExists(`${release}:${sha}`)).toBe(false);
    // Each target's wheelhouse and release image carry an SBOM: valid CycloneDX 1.6, exactly that
    // target's wheels (cp311 in one, cp313 in the other), the release's with its Debian packages.
    for (const target of ["bookworm", "trixie"]) {
      const wheelhouse = path.join(root, "wheelhouse", target);
      expectWheelhouseSbom(wheelhouse);
      expectReleaseSbom(wheelhouse, `${release}:${sha}-${target}`);
      const sbom = JSON.parse(readFileSync(path.join(wheelhouse, "sbom.cdx.json"), "utf8")) as {
        metadata: { component: { properties?: { name: string; value: string }[] } };
      };
      expect(sbom.metadata.component.properties).toContainEqual({
        name: "wheelwright:target",
        value: target,
      });
    }

    const version = "import sys; print(sys.version)";
    const onTrixie = await runCli(["run", "--target", "trixie", "--", "python3", "-c", version], {
      cwd: root,
    });
    expect(onTrixie.exitCode, onTrixie.stderr).toBe(0);
    expect(onTrixie.stdout).toMatch(/^3\.13\./);
    const onBookworm = await runCli(["run", "--target", "bookworm", "--", "python3", "-c", version], {
      cwd: root,
    });
    expect(onBookworm.stdout).toMatch(/^3\.11\./);
    const unnamed = await runCli(["run", "--", "python3", "-V"], { cwd: root });
    expect(unnamed.exitCode).toBe(3);
    expect(unnamed.stderr).toContain("this project has 2: bookworm, trixie");

    // A dependency whose wheel only CPython 3.11 installs: trixie's build is refused (exit 7), the
    // wheel named, and trixie's wheelhouse stays as it was.
    await writeCp311OnlySdist(path.join(root, "packages", "dist"));
    const setup = path.join(root, "setup.py");
    writeFileSync(
      setup,
      readFileSync(setup, "utf8").replace('"pollstats>=1.0",', '"pollstats>=1.0",\n        "oldtag",'),
    );
    commitAll(root, "a dependency whose wheel is cp311 only");
    const before = readFileSync(path.join(root, "wheelhouse", "trixie", "manifest.json"), "utf8");
    const refused = await runCli(["build", "--target", "trixie"], { cwd: root });
    expect(refused.exitCode, refused.stderr).toBe(7);
    expect(refused.stderr).toContain("oldtag-1.0-cp311-none-any.whl: tagged cp311-none-any");
    expect(refused.stderr).toContain("CPython 3.13");
    expect(readFileSync(path.join(root, "wheelhouse", "trixie", "manifest.json"), "utf8")).toBe(before);
    expect(containersOf(projectOf("polls"))).toEqual([]);
  });
});
