// Faults during `wheelwright build`, on fixture projects named by scenario, against the real engine.
// "intact" = the previous wheelhouse unchanged byte for byte; "clean" = no container of the run and
// no staging folder left, lock released. No test here measures time: signals are sent once the
// build is where the test wants it (polled on the engine), and timeouts are judged by what the run
// reports.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { execaSync } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../../src/domain/manifest.js";
import { runCli, spawnCli, waitFor } from "../support/cli.js";
import { containersOf, engineOrSkip } from "../support/engine.js";
import { chownToTestUser, leftovers, snapshot, TEST_USER, testUser } from "../support/files.js";
import { commitAll, makeLocalIndex, makeProject, projectOf, ZSLOW_MARK } from "../support/fixtures.js";
import { testRun } from "../support/test-run.js";

const wheelhouse = (root: string) => path.join(root, "wheelhouse");
const manifestOf = (root: string) =>
  JSON.parse(readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8")) as Manifest;

/** Writes a dependency list into the project's pyproject.toml and commits it. */
function setDependencies(root: string, deps: string[]): void {
  const file = path.join(root, "pyproject.toml");
  writeFileSync(
    file,
    readFileSync(file, "utf8").replace(/^dependencies = .*$/m, `dependencies = ${JSON.stringify(deps)}`),
  );
  commitAll(root, "deps");
}

/** True once the project's builder container runs zslow's hanging setup.py. */
function insideZslow(project: string): boolean {
  const [container] = containersOf(project);
  if (container === undefined) return false;
  return execaSync("docker", ["exec", container, "test", "-e", ZSLOW_MARK], { reject: false }).exitCode === 0;
}

const user = testUser();

describe.skipIf(engineOrSkip())("build faults (real engine)", () => {
  beforeAll(() => {
    makeLocalIndex();
  });
  it("compiles a C extension dependency and takes extras, groups and requirements files", async () => {
    const root = makeProject({
      scenario: "sets",
      dependencies: ["cext"],
      optional: { Test_Extra: ["tinyextra"] },
      groups: { dev: ["tinydep==1.0"] },
    });
    writeFileSync(path.join(root, "requirements-docs.txt"), "tinydep\n");
    commitAll(root, "req");
    const result = await runCli(["build", "test-extra", "--group", "dev", "-r", "requirements-docs.txt"], {
      cwd: root,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const manifest = manifestOf(root);
    const byName = Object.fromEntries(manifest.wheels.map((w) => [w.name, w]));
    expect(byName.cext).toMatchObject({ origin: "built", sets: ["runtime"] });
    expect(byName.cext!.filename).toMatch(/cp311-cp311-linux_x86_64\.whl$/);
    expect(byName.tinyextra!.sets).toEqual(["extra:test-extra"]);
    expect(byName.tinydep!.sets.sort()).toEqual([
      "extra:test-extra",
      "group:dev",
      "requirements:requirements-docs.txt",
    ]);
  });

  it("a dependency that fails to build after others: exit 6, named, log tail shown, intact, clean", async () => {
    const root = makeProject({ scenario: "broken", dependencies: ["tinydep", "cext"] });
    const first = await runCli(["build"], { cwd: root });
    expect(first.exitCode, first.stderr).toBe(0);
    const before = snapshot(wheelhouse(root));
    setDependencies(root, ["tinydep", "cext", "zbroken"]);
    const result = await runCli(["build"], { cwd: root });
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toMatch(/Building the wheel of 'zbroken' [\d.]+ failed/);
    expect(result.stderr).toMatch(/error/i);
    expect(snapshot(wheelhouse(root))).toEqual(before);
    expect(leftovers(wheelhouse(root))).toEqual([]);
    expect(containersOf(projectOf("broken"))).toEqual([]);
  });

  it("a stale and a truncated wheel planted in the output never become part of the result", async () => {
    const root = makeProject({ scenario: "planted", dependencies: ["tinydep", "cext"] });
    expect((await runCli(["build"], { cwd: root })).exitCode).toBe(0);
    const good = manifestOf(root);
    const tiny = good.wheels.find((w) => w.name === "tinydep")!;
    const cext = good.wheels.find((w) => w.name === "cext")!;
    writeFileSync(path.join(wheelhouse(root), tiny.filename), "stale wheel with other content");
    truncateSync(path.join(wheelhouse(root), cext.filename), 100);
    const result = await runCli(["build"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/does not match its manifest/);
    const files = snapshot(wheelhouse(root));
    for (const wheel of manifestOf(root).wheels) expect(files[wheel.filename]).toBe(wheel.sha256);
    expect(files[tiny.filename]).toBe(tiny.sha256);
  });

  it("a setup.py that raises: exit 3, its error shown, nothing published", async () => {
    const root = makeProject({
      scenario: "raising",
      // The run's namespace: its images are the run's (swept at the end) and containersOf looks there.
      pyproject: `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[tool.wheelwright]\nnamespace = "${testRun().namespace}"\nnetwork = "host"\npull = false\napp = "raising"\nindex-url = "file:///opt/pypi/simple"\n`,
      setupPy: 'raise RuntimeError("SETUP-PY-BOOM")\n',
    });
    const result = await runCli(["build"], { cwd: root });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/setup.py or build backend failed/);
    expect(result.stderr).toContain("SETUP-PY-BOOM");
    expect(existsSync(wheelhouse(root))).toBe(false);
    expect(containersOf(projectOf("raising"))).toEqual([]);
  });

  it("an unreachable index: exit 6 naming the package, intact", async () => {
    const root = makeProject({ scenario: "noindex", dependencies: ["tinydep"] });
    expect((await runCli(["build"], { cwd: root })).exitCode).toBe(0);
    const before = snapshot(wheelhouse(root));
    const result = await runCli(
      ["build", "--index-url", "file:///nonexistent/simple", "--find-links", "/nonexistent"],
      { cwd: root },
    );
    expect(result.exitCode).toBe(6);
    // The build backend is the first thing pip cannot find.
    expect(result.stderr).toMatch(/offers 'setuptools>=61', needed to build the application/);

    expect(snapshot(wheelhouse(root))).toEqual(before);
  });

  it("SIGINT during the build: exit 130, intact, clean", async ({ signal }) => {
    const root = makeProject({ scenario: "sigint", dependencies: ["tinydep"] });
    expect((await runCli(["build"], { cwd: root })).exitCode).toBe(0);
    const before = snapshot(wheelhouse(root));
    setDependencies(root, ["tinydep", "zslow"]);
    const child = spawnCli(["build"], { cwd: root });
    // Signalled once pip is inside zslow's hanging setup.py, in the builder container.
    await waitFor(() => insideZslow(projectOf("sigint")), "the build to reach zslow", signal);
    process.kill(child.pid!, "SIGINT");
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(String(result.stderr)).toMatch(/SIGINT received: stopping and cleaning up/);
    expect(String(result.stderr)).toMatch(/Interrupted by SIGINT/);
    expect(snapshot(wheelhouse(root))).toEqual(before);
    expect(leftovers(wheelhouse(root))).toEqual([]);
    expect(containersOf(projectOf("sigint"))).toEqual([]);
  });

  it("two builds of one wheelhouse: the second fails with exit 10 naming the holder; SIGTERM ends the first with 143", async ({
    signal,
  }) => {
    const root = makeProject({ scenario: "locked", dependencies: ["zslow"] });
    const first = spawnCli(["build"], { cwd: root });
    await waitFor(() => containersOf(projectOf("locked")).length > 0, "the first build's container", signal);
    const second = await runCli(["build"], { cwd: root });
    expect(second.exitCode).toBe(10);
    expect(second.stderr).toMatch(/is locked by `wheelwright build` \(pid \d+/);
    process.kill(first.pid!, "SIGTERM");
    expect((await first).exitCode).toBe(143);
    expect(containersOf(projectOf("locked"))).toEqual([]);
    expect(readdirSync(root).filter((n) => n.startsWith(".wheelhouse"))).toEqual([]);
  });

  it("SIGKILL of the tool: its builder container goes away by itself; once the lock is stale the next run takes over", async ({
    signal,
  }) => {
    const root = makeProject({ scenario: "sigkill", dependencies: ["zslow"] });
    const child = spawnCli(["build"], { cwd: root });
    await waitFor(() => insideZslow(projectOf("sigkill")), "the build to reach zslow", signal);
    process.kill(child.pid!, "SIGKILL");
    await child;
    // Nothing removes it for the killed run: its main process ends when the killed client's pipe closes.
    await waitFor(() => containersOf(projectOf("sigkill")).length === 0, "the container to go away", signal);
    // The killed run's lock is still there; make it as old as a stale one (30 s without a refresh)
    // rather than waiting that long.
    const lock = path.join(root, ".wheelhouse.lock");
    expect(existsSync(lock)).toBe(true);
    const past = new Date(Date.now() - 120_000);
    utimesSync(lock, past, past);
    setDependencies(root, ["tinydep"]);
    const next = await runCli(["build"], { cwd: root });
    expect(next.exitCode, next.stderr).toBe(0);
    expect(
      manifestOf(root)
        .wheels.map((w) => w.name)
        .sort(),
    ).toEqual(["sigkill", "tinydep"]);
    expect(leftovers(wheelhouse(root))).toEqual([]);
  });

  it("a build that hangs past its timeout: exit 11, intact, clean", async () => {
    const root = makeProject({ scenario: "timeout", dependencies: ["zslow"] });
    const result = await runCli(["build", "--timeout", "5"], { cwd: root });
    expect(result.exitCode).toBe(11);
    expect(result.stderr).toMatch(/longer than its timeout of 5 s/);
    expect(existsSync(wheelhouse(root))).toBe(false);
    expect(containersOf(projectOf("timeout"))).toEqual([]);
  });

  it("--json prints NDJSON events on stderr and the manifest on stdout", async () => {
    const root = makeProject({ scenario: "jsonout", dependencies: ["tinydep"] });
    const result = await runCli(["--json", "build"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    const events = result.stderr
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; id?: string });
    // The first build of a project on an engine also builds its builder image (ids image:*).
    const steps = events
      .filter((e) => e.type === "step-finished" && !e.id?.startsWith("image:"))
      .map((e) => e.id);
    expect(steps).toEqual([
      "builder",
      "source",
      "bootstrap",
      "app",
      "resolve",
      "deps",
      "check",
      "copy-out",
      "verify",
    ]);

    const out = JSON.parse(result.stdout) as { version: number; status: string; manifest: Manifest };
    expect(out).toMatchObject({ version: 1, status: "built" });
    expect(out.manifest.wheels.map((w) => w.name).sort()).toEqual(["jsonout", "tinydep"]);
  });

  it.skipIf(user.skip)("an output folder the user cannot write: exit 3 before the build starts", async () => {
    user.require();
    const root = makeProject({ scenario: "readonly", dependencies: ["tinydep"] });
    chownToTestUser(root);
    mkdirSync(path.join(root, "out"));
    execaSync("chown", ["root:root", path.join(root, "out")]);
    const result = await runCli(["build", "--wheelhouse", "out/wheels"], { cwd: root, user: TEST_USER });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/Cannot write to .*out/);
    expect(result.stderr).not.toMatch(/start the builder/);
  });
});
