// `wheelwright build` on the polls example, against the real engine: the checks of the builder issue.
// Every test starts from its own copy of polls and builds the wheelhouse it needs (copies are one
// commit, so after the file's first build a copy's wheelhouse comes from the file's result store).
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Manifest } from "../../src/domain/manifest.js";
import { sbomText } from "../../src/domain/sbom.js";
import { CLI, cliEnv, runCli, sh } from "../support/cli.js";
import { cycloneDx16Validator } from "../support/cyclonedx.js";
import { containersOf, engineOrSkip } from "../support/engine.js";
import { setToolKey } from "../support/fault-projects.js";
import { chownToTestUser, leftovers, snapshot, TEST_USER, testUser } from "../support/files.js";
import { copyPolls, makeLocalIndex, makeProject, projectOf } from "../support/fixtures.js";
import { makeSmallIndex } from "../support/small-index.js";
import { testRun } from "../support/test-run.js";
import { makeVenv, pipInto } from "../support/venv.js";

const readManifest = (root: string, folder = "wheelhouse") =>
  JSON.parse(readFileSync(path.join(root, folder, "manifest.json"), "utf8")) as Manifest;
const hashes = (manifest: Manifest) => Object.fromEntries(manifest.wheels.map((w) => [w.filename, w.sha256]));
const venvDir = () => mkdtempSync(path.join(testRun().tempRoot, "venv-"));
const user = testUser();

/** A fresh copy of polls with a wheelhouse of the given sets built. */
async function pollsBuilt(args: string[] = []): Promise<string> {
  const root = copyPolls();
  const result = await runCli(["build", ...args], { cwd: root });
  expect(result.exitCode, result.stderr).toBe(0);
  return root;
}

describe.skipIf(engineOrSkip())("wheelwright build on examples/polls (real engine)", () => {
  const polls = () => projectOf("polls");

  it("builds a wheelhouse that installs with --no-index and runs the app", async () => {
    // The file's first build: nothing stored yet, so it really builds.
    const root = copyPolls();
    const built = await runCli(["build"], { cwd: root });
    expect(built.exitCode, built.stderr).toBe(0);
    // The wheels pip fetched from the machine's file:// index are read from the host's own files.
    expect(built.stderr).toMatch(/[1-9]\d* read from the host's own local index folders/);
    const manifest = readManifest(root);
    expect(manifest.wheels.map((w) => w.name).sort()).toEqual([
      "asgiref",
      "django",
      "gunicorn",
      "polls",
      "pollstats",
      "pymysql",
      "sqlparse",
    ]);
    expect(manifest.wheels.find((w) => w.name === "pollstats")).toMatchObject({
      origin: "built",
      sets: ["runtime"],
    });
    expect(manifest.app).toMatchObject({ name: "polls", version: "0.1.0" });
    // Every file is what the manifest says, and nothing else is in the wheelhouse.
    const files = snapshot(path.join(root, "wheelhouse"));
    for (const wheel of manifest.wheels) expect(files[wheel.filename]).toBe(wheel.sha256);
    expect(Object.keys(files).sort()).toEqual(
      [
        ...manifest.wheels.map((w) => w.filename),
        "manifest.json",
        "requirements.txt",
        "sbom.cdx.json",
      ].sort(),
    );
    // The SBOM is the manifest's, valid CycloneDX 1.6, and lists exactly its wheels with their hashes.
    const sbomFile = readFileSync(path.join(root, "wheelhouse", "sbom.cdx.json"), "utf8");
    expect(sbomFile).toBe(sbomText(manifest));
    const sbom = JSON.parse(sbomFile) as { components: { purl: string; hashes: { content: string }[] }[] };
    const validate = cycloneDx16Validator();
    expect(validate(sbom), JSON.stringify(validate.errors)).toBe(true);
    expect(sbom.components.map((c) => [c.purl, c.hashes[0]?.content]).sort()).toEqual(
      manifest.wheels.map((w) => [`pkg:pypi/${w.name}@${w.version}`, w.sha256]).sort(),
    );

    const venv = venvDir();
    await sh(makeVenv(venv));
    await sh(`${pipInto(venv)} install -q --no-index --find-links wheelhouse polls`, {
      cwd: root,
      env: { PIP_CONFIG_FILE: "/dev/null" },
    });
    const out = await sh(
      `${venv}/bin/python -c "from polls.results import summarise; print(summarise({'a': 3, 'b': 1})['winner'])"`,
    );
    expect(out).toBe("a");
    // The hash-pinned requirements install the runtime set on their own.
    const pinned = venvDir();
    await sh(
      `${makeVenv(pinned)} && ${pipInto(pinned)} install -q --no-index --find-links wheelhouse --require-hashes -r wheelhouse/requirements.txt`,
      { cwd: root, env: { PIP_CONFIG_FILE: "/dev/null" } },
    );
    expect(containersOf(polls())).toEqual([]);
  });

  it("build test adds pytest and coverage, and the app's tests pass from the wheelhouse", async () => {
    const root = await pollsBuilt(["test"]);
    const manifest = readManifest(root);
    expect(manifest.wheels.find((w) => w.name === "pytest")?.sets).toEqual(["extra:test"]);
    expect(manifest.wheels.find((w) => w.name === "coverage")?.sets).toEqual(["extra:test"]);
    expect(readFileSync(path.join(root, "wheelhouse", "requirements.txt"), "utf8")).not.toContain("pytest");
    const venv = venvDir();
    await sh(
      `${makeVenv(venv)} && ${pipInto(venv)} install -q --no-index --find-links wheelhouse 'polls[test]'`,
      { cwd: root, env: { PIP_CONFIG_FILE: "/dev/null" } },
    );
    const tests = await sh(`cd ${venv} && ${venv}/bin/python -m pytest -q -p no:cacheprovider ${root}/tests`);
    expect(tests).toMatch(/4 passed/);
  });

  it("does nothing when nothing changed", async () => {
    const root = await pollsBuilt(["test"]);
    const before = snapshot(path.join(root, "wheelhouse"));
    const result = await runCli(["build", "test"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/up to date/);
    expect(result.stderr).not.toMatch(/start the builder/);
    expect(snapshot(path.join(root, "wheelhouse"))).toEqual(before);
  });

  it("rebuilds only the app's wheel after a change to its code, reusing the dependency wheels", async () => {
    const root = await pollsBuilt(["test"]);
    const before = hashes(readManifest(root));
    appendFileSync(path.join(root, "polls", "results.py"), "\nCHANGED = True\n");
    const result = await runCli(["build", "test"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /the application's code changed: the app's wheel is rebuilt, the dependency wheels reused/,
    );
    expect(result.stderr).not.toMatch(/collect and build the dependencies/);
    const after = hashes(readManifest(root));
    const appFile = "polls-0.1.0-py3-none-any.whl";
    expect(after[appFile]).not.toBe(before[appFile]);
    for (const [file, sha] of Object.entries(before)) if (file !== appFile) expect(after[file]).toBe(sha);
  });

  it("restores a removed wheelhouse from the result store, checking every hash, without a builder", async () => {
    const root = await pollsBuilt(["test"]);
    const before = snapshot(path.join(root, "wheelhouse"));
    rmSync(path.join(root, "wheelhouse"), { recursive: true });
    const result = await runCli(["build", "test"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/restoring from the result store/);
    expect(result.stderr).not.toMatch(/start the builder/);
    expect(snapshot(path.join(root, "wheelhouse"))).toEqual(before);
  });

  it("after the wheelhouse is removed and the app changed, reuses the stored dependency wheels", async () => {
    const root = await pollsBuilt(["test"]);
    const before = hashes(readManifest(root));
    rmSync(path.join(root, "wheelhouse"), { recursive: true });
    appendFileSync(path.join(root, "polls", "results.py"), "\nCHANGED_AGAIN = True\n");
    const result = await runCli(["build", "test"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /the wheelhouse is gone, and its dependency wheels are in the result store/,
    );
    expect(result.stderr).not.toMatch(/collect and build the dependencies/);
    const after = hashes(readManifest(root));
    const django = Object.keys(before).find((file) => file.startsWith("django-"))!;
    expect(after[django]).toBe(before[django]);
  });

  it("refuses an unknown extra, listing the available ones, and leaves the wheelhouse intact", async () => {
    const root = await pollsBuilt();
    const before = snapshot(path.join(root, "wheelhouse"));
    // setup.py extras are not known statically: the builder finds this one, from the built metadata.
    const result = await runCli(["build", "nosuchextra"], { cwd: root });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("unknown extra: nosuchextra (available: test)");
    expect(snapshot(path.join(root, "wheelhouse"))).toEqual(before);
    expect(leftovers(path.join(root, "wheelhouse"))).toEqual([]);
    expect(containersOf(polls())).toEqual([]);
  });

  it("build --force hands over only new bytes: the wheels the host holds are taken from its store", async () => {
    const root = await pollsBuilt();
    const before = readManifest(root);
    const result = await runCli(["build", "--force"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    // The set is the same one, byte for byte, and each file is what the manifest says.
    expect(hashes(readManifest(root))).toEqual(hashes(before));
    const files = snapshot(path.join(root, "wheelhouse"));
    for (const wheel of before.wheels) expect(files[wheel.filename]).toBe(wheel.sha256);
    expect(result.stderr).toMatch(/copied; [1-9]\d* already on the host, taken from its result store/);
    expect(leftovers(path.join(root, "wheelhouse"))).toEqual([]);
    expect(containersOf(polls())).toEqual([]);
  });

  it("gives identical wheels for two builds of one commit, whatever the host's umask and time zone", async () => {
    const root = copyPolls();
    const first = await runCli(["build", "--force"], { cwd: root });
    expect(first.exitCode, first.stderr).toBe(0);
    const one = hashes(readManifest(root));
    await sh(`umask 077 && node ${CLI} build --force`, {
      cwd: root,
      env: cliEnv({ TZ: "Pacific/Kiritimati" }),
    });
    expect(hashes(readManifest(root))).toEqual(one);
  });

  it("works against a remote engine address (DOCKER_HOST=tcp://127.0.0.1:2375)", async () => {
    const reachable = await sh(
      "DOCKER_HOST=tcp://127.0.0.1:2375 docker version --format '{{.Server.Version}}'",
    ).catch(() => "");
    expect(reachable, "dockerd must also listen on tcp://127.0.0.1:2375 (.ci/start-engine.sh does)").not.toBe(
      "",
    );
    // A small project: what matters is that the source goes in and the wheels come out by copy.
    // A tcp:// engine is remote (a forwarded port may lead anywhere): the local index folders are
    // copied into its builder, so the index is a small one (the mirror is GiBs).
    const root = makeProject({ scenario: "remote", dependencies: ["tinydep"] });
    setToolKey(root, "index-url", `file://${makeSmallIndex(testRun().tempRoot)}/simple`);
    const result = await runCli(["build"], { cwd: root, env: { DOCKER_HOST: "tcp://127.0.0.1:2375" } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`copying the local index ${makeLocalIndex()} (`);
    expect(result.stderr).toContain("into the builder: the engine at tcp://127.0.0.1:2375 is remote");
    expect(
      readManifest(root)
        .wheels.map((w) => w.name)
        .sort(),
    ).toEqual(["remote", "tinydep"]);
    expect(containersOf(projectOf("remote"))).toEqual([]);
  });

  it("--engine local gives the same set of wheels", async () => {
    const root = await pollsBuilt();
    const docker = readManifest(root)
      .wheels.map((w) => `${w.name}==${w.version}`)
      .sort();
    const result = await runCli(["build", "--engine", "local", "--wheelhouse", "wheelhouse-local"], {
      cwd: root,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const local = readManifest(root, "wheelhouse-local");
    expect(local.wheels.map((w) => `${w.name}==${w.version}`).sort()).toEqual(docker);
  });

  it.skipIf(user.skip)(
    "run as a non-root user: every output file is theirs and the source tree is unchanged",
    async () => {
      user.require();
      const root = copyPolls();
      chownToTestUser(root);
      const result = await runCli(["build", "test"], { cwd: root, user: TEST_USER });
      expect(result.exitCode, result.stderr).toBe(0);
      const owners = await sh(`find wheelhouse -printf '%u\\n' | sort -u`, { cwd: root });
      expect(owners).toBe(TEST_USER);
      expect(await sh(`runuser -u ${TEST_USER} -- git status --porcelain --ignored`, { cwd: root })).toBe(
        "!! wheelhouse/",
      );
    },
  );
});

describe.skipIf(engineOrSkip())("build -- CMD (real engine)", () => {
  it("runs any command in the builder with the source, and its exit code is the tool's", async () => {
    const root = copyPolls();
    const ok = await runCli(["build", "--", "sh", "-c", "pip -V && test -f setup.py && echo IN-BUILDER"], {
      cwd: root,
    });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/pip 23/);
    expect(ok.stdout).toContain("IN-BUILDER");
    const failing = await runCli(["build", "--", "sh", "-c", "exit 7"], { cwd: root });
    expect(failing.exitCode).toBe(7);
    expect(containersOf(projectOf("polls"))).toEqual([]);
  });
});
