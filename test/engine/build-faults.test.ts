// Faults during `wheelwright build`, on fixture projects named by scenario, against the real engine.
// "intact" = the previous wheelhouse unchanged byte for byte; "clean" = no container of the run and
// no staging folder left, lock released.
import { existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execaSync } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../../src/domain/manifest.js";
import { runCli, spawnCli } from "../support/cli.js";
import { containersOf, engineOrSkip, ensureTestImages } from "../support/engine.js";
import { chownToTestUser, ensureTestUser, leftovers, snapshot, TEST_USER } from "../support/files.js";
import { GIT_ENV, makeLocalIndex, makeProject } from "../support/fixtures.js";

const wheelhouse = (root: string) => path.join(root, "wheelhouse");
const manifestOf = (root: string) =>
  JSON.parse(readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8")) as Manifest;

async function waitFor(check: () => boolean, what: string, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Writes a dependency list into the project's pyproject.toml and commits it. */
function setDependencies(root: string, deps: string[]): void {
  const file = path.join(root, "pyproject.toml");
  writeFileSync(
    file,
    readFileSync(file, "utf8").replace(/^dependencies = .*$/m, `dependencies = ${JSON.stringify(deps)}`),
  );
  execaSync("git", ["commit", "-qam", "deps"], { cwd: root, env: GIT_ENV });
}

describe.skipIf(engineOrSkip())("build faults (real engine)", () => {
  beforeAll(() => {
    ensureTestImages();
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
    execaSync("git", ["add", "-A"], { cwd: root });
    execaSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "req"], { cwd: root });
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
    expect(result.stderr).toMatch(/Building the wheel of 'zbroken' failed/);
    expect(result.stderr).toMatch(/error/i);
    expect(snapshot(wheelhouse(root))).toEqual(before);
    expect(leftovers(wheelhouse(root))).toEqual([]);
    expect(containersOf("wwtest/broken")).toEqual([]);
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
      pyproject:
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[tool.wheelwright]\nnamespace = "wwtest"\nnetwork = "host"\npull = false\napp = "raising"\nindex-url = "file:///opt/pypi/simple"\n',
      setupPy: 'raise RuntimeError("SETUP-PY-BOOM")\n',
    });
    const result = await runCli(["build"], { cwd: root });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/setup.py or build backend failed/);
    expect(result.stderr).toContain("SETUP-PY-BOOM");
    expect(existsSync(wheelhouse(root))).toBe(false);
    expect(containersOf("wwtest/raising")).toEqual([]);
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

  it("SIGINT during the build: exit 130 within seconds, intact, clean", async () => {
    const root = makeProject({ scenario: "sigint", dependencies: ["tinydep"] });
    expect((await runCli(["build"], { cwd: root })).exitCode).toBe(0);
    const before = snapshot(wheelhouse(root));
    setDependencies(root, ["tinydep", "zslow"]);
    const child = spawnCli(["build"], { cwd: root });
    // Wait until the builder container runs and pip is inside zslow's hanging setup.py.
    await waitFor(() => containersOf("wwtest/sigint").length > 0, "the builder container");
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const signalled = Date.now();
    process.kill(child.pid!, "SIGINT");
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(Date.now() - signalled).toBeLessThan(20_000);
    expect(snapshot(wheelhouse(root))).toEqual(before);
    expect(leftovers(wheelhouse(root))).toEqual([]);
    expect(containersOf("wwtest/sigint")).toEqual([]);
  });

  it("two builds of one wheelhouse: the second fails with exit 10 naming the holder; SIGTERM ends the first with 143", async () => {
    const root = makeProject({ scenario: "locked", dependencies: ["zslow"] });
    const first = spawnCli(["build"], { cwd: root });
    await waitFor(() => containersOf("wwtest/locked").length > 0, "the first build's container");
    const second = await runCli(["build"], { cwd: root });
    expect(second.exitCode).toBe(10);
    expect(second.stderr).toMatch(/is locked by `wheelwright build` \(pid \d+/);
    process.kill(first.pid!, "SIGTERM");
    expect((await first).exitCode).toBe(143);
    expect(containersOf("wwtest/locked")).toEqual([]);
    expect(readdirSync(root).filter((n) => n.startsWith(".wheelhouse"))).toEqual([]);
  });

  it("SIGKILL of the tool: its builder container goes away by itself; the next run succeeds", async () => {
    const root = makeProject({ scenario: "sigkill", dependencies: ["zslow"] });
    const child = spawnCli(["build"], { cwd: root });
    await waitFor(() => containersOf("wwtest/sigkill").length > 0, "the builder container");
    process.kill(child.pid!, "SIGKILL");
    await child;
    await waitFor(() => containersOf("wwtest/sigkill").length === 0, "the container to go away", 30_000);
    setDependencies(root, ["tinydep"]);
    // The killed run's lock goes stale; the next run takes over and cleans its staging folder.
    await new Promise((resolve) => setTimeout(resolve, 31_000));
    const next = await runCli(["build"], { cwd: root });
    expect(next.exitCode, next.stderr).toBe(0);
    expect(leftovers(wheelhouse(root))).toEqual([]);
  });

  it("a build that hangs past its timeout: exit 11, intact, clean", async () => {
    const root = makeProject({ scenario: "timeout", dependencies: ["zslow"] });
    const started = Date.now();
    const result = await runCli(["build", "--timeout", "5"], { cwd: root });
    expect(result.exitCode).toBe(11);
    expect(result.stderr).toMatch(/longer than its timeout of 5 s/);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(existsSync(wheelhouse(root))).toBe(false);
    expect(containersOf("wwtest/timeout")).toEqual([]);
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
    expect(steps).toEqual(["builder", "source", "app", "deps", "check", "copy-out"]);

    const out = JSON.parse(result.stdout) as { version: number; status: string; manifest: Manifest };
    expect(out).toMatchObject({ version: 1, status: "built" });
    expect(out.manifest.wheels.map((w) => w.name).sort()).toEqual(["jsonout", "tinydep"]);
  });

  it.runIf(ensureTestUser())(
    "an output folder the user cannot write: exit 3 before the build starts",
    async () => {
      const root = makeProject({ scenario: "readonly", dependencies: ["tinydep"] });
      chownToTestUser(root);
      mkdirSync(path.join(root, "out"));
      execaSync("chown", ["root:root", path.join(root, "out")]);
      const result = await runCli(["build", "--wheelhouse", "out/wheels"], { cwd: root, user: TEST_USER });
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toMatch(/Cannot write to .*out/);
      expect(result.stderr).not.toMatch(/start the builder/);
    },
  );
});
