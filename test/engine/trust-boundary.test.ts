// The trust boundary of issue 8 on the real engine: dependencies whose build steps attack the
// builder's output (a late report rewrite, planted links, a huge sparse file, a lying RECORD), a
// password-protected index watched through every process's command line, and paths with odd
// characters. Each hostile scenario checks the exit code and message, the previous wheelhouse byte
// for byte, every file outside it (the project's parent and the CLI's /tmp, listed before and
// after, plus the find-links folder the attack aims at), and nothing of the run left on the engine.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Manifest, requirementsText } from "../../src/domain/manifest.js";
import { SBOM_FILE, sbomText } from "../../src/domain/sbom.js";
import { verifyWheel } from "../../src/execute/verify-wheel.js";
import { startAuthIndex, watchCmdlines } from "../support/auth-index.js";
import { engineOrSkip } from "../support/engine.js";
import { addReleaseFolder, projectNames, setDependencies, setToolKey } from "../support/fault-projects.js";
import {
  docker,
  engineLeftovers,
  listing,
  makeWorld,
  NOTHING_LEFT,
  outside,
  placeProject,
  removeCacheVolume,
  removeProjectImages,
  sharedTmpNaming,
  type World,
  ww,
} from "../support/fault-world.js";
import { snapshot } from "../support/files.js";
import { makeLocalIndex } from "../support/fixtures.js";
import { makeHostileIndex, PLANTED } from "../support/hostile-packages.js";

const wheelhouseOf = (root: string) => path.join(root, "wheelhouse");
const manifestOf = (root: string) =>
  JSON.parse(readFileSync(path.join(wheelhouseOf(root), "manifest.json"), "utf8")) as Manifest;
let runs = 0;
/** A fresh run id (WHEELWRIGHT_RUN_ID: 4-32 lowercase letters or digits). */
const newRunId = () => `tb${process.pid.toString(36)}${(++runs).toString(36)}${Date.now().toString(36)}`;

describe.skipIf(engineOrSkip())("trust boundary (real engine)", () => {
  const worlds: World[] = [];
  const volumes: string[] = [];
  const projects: string[] = [];
  let hostile: string;

  beforeAll(() => {
    makeLocalIndex();
    const index = makeWorld("hostile-index");
    worlds.push(index);
    hostile = makeHostileIndex(path.join(index.dir, "links"));
  });

  afterAll(async () => {
    for (const volume of volumes) await removeCacheVolume(volume);
    for (const project of projects) await removeProjectImages(project);
    for (const world of worlds) world.dispose();
  });

  /** A world with a project called `scenario` (dependencies: tinydep) that sees the hostile index. */
  function scene(scenario: string, folder = scenario) {
    const world = makeWorld(scenario);
    worlds.push(world);
    const root = placeProject(world.parent, { scenario, dependencies: ["tinydep"] }, folder);
    setToolKey(root, "find-links", [makeLocalIndex(), hostile]);
    const names = projectNames(scenario);
    volumes.push(names.cacheVolume);
    projects.push(names.project);
    return { world, root, names };
  }

  /**
   * Builds the scene's project once (the previous wheelhouse), adds `dependency`, records what must
   * not change, and builds again: the result and a check that nothing outside staging changed.
   */
  async function hostileBuild(scenario: string, dependency: string, config: Record<string, unknown> = {}) {
    const { world, root, names } = scene(scenario);
    for (const [key, value] of Object.entries(config)) setToolKey(root, key, value);
    const first = await ww(world, ["build"], { cwd: root, runId: newRunId() });
    expect(first.exitCode, first.stderr).toBe(0);
    setDependencies(root, ["tinydep", dependency]);
    const before = { outside: outside(world, root), links: listing(hostile) };
    const wheelhouse = snapshot(wheelhouseOf(root));
    const since = Date.now() / 1000;
    const runId = newRunId();
    const result = await ww(world, ["build"], { cwd: root, runId });
    const expectNothingElseChanged = async () => {
      expect(outside(world, root)).toEqual(before.outside);
      expect(listing(hostile)).toEqual(before.links);
      expect(sharedTmpNaming(runId)).toEqual([]);
      expect(await engineLeftovers({ ...names, since })).toEqual(NOTHING_LEFT);
    };
    const expectIntact = () => expect(snapshot(wheelhouseOf(root))).toEqual(wheelhouse);
    return { result, root, expectNothingElseChanged, expectIntact };
  }

  it("late-rewriter: a detached process rewrites the report and plants links after the helper is done: refused (exit 12, the entry named) or never acted (exit 0, only verified wheels)", async () => {
    const run = await hostileBuild("tb-late-rewriter", "late-rewriter");
    const { result, root } = run;
    if (result.exitCode === 12) {
      const named = [...PLANTED.lateLinks, PLANTED.lateEscapedFile, "late_rewriter-1.0.tar.gz"];
      expect(
        named.some((entry) => result.stderr.includes(entry)),
        result.stderr,
      ).toBe(true);
      expect(result.stderr).toMatch(/previous wheelhouse is intact/);
      run.expectIntact();
    } else {
      // The builder was frozen before the daemon saw the report: the set is exactly the genuine one.
      expect(result.exitCode, result.stderr).toBe(0);
      const manifest = manifestOf(root);
      expect(manifest.wheels.map((wheel) => wheel.name).sort()).toEqual([
        "late-rewriter",
        "tb-late-rewriter",
        "tinydep",
      ]);
      const files = snapshot(wheelhouseOf(root));
      expect(Object.keys(files).sort()).toEqual(
        [
          ...manifest.wheels.map((wheel) => wheel.filename),
          "manifest.json",
          "requirements.txt",
          "sbom.cdx.json",
        ].sort(),
      );
      for (const wheel of manifest.wheels) {
        expect(files[wheel.filename]).toBe(wheel.sha256);
        expect((await verifyWheel(path.join(wheelhouseOf(root), wheel.filename))).sha256).toBe(wheel.sha256);
      }
    }
    await run.expectNothingElseChanged();
  });

  it("symlink-planter: links and a hard link named like wheels in out/deps: exit 12, the entry named, intact", async () => {
    const run = await hostileBuild("tb-symlink-planter", "symlink-planter");
    expect(run.result.exitCode, run.result.stderr).toBe(12);
    expect(run.result.stderr).toMatch(
      /out\/deps\/planted_\w+-1\.0-py3-none-any\.whl: (a symbolic link|a hard link)|out\/deps\/planted_\w+-1\.0-py3-none-any\.whl was handed over but the report does not list it/,
    );
    run.expectIntact();
    await run.expectNothingElseChanged();
  });

  it("sparse-junk: a 2 GiB sparse file named like a wheel: exit 12 from the size cap (read from the header), intact", async () => {
    const run = await hostileBuild("tb-sparse-junk", "sparse-junk", { "max-wheel-size": "64m" });
    expect(run.result.exitCode, run.result.stderr).toBe(12);
    expect(run.result.stderr).toContain(
      `out/deps/${PLANTED.sparseFile}: ${PLANTED.sparseBytes} bytes, over the limit of ${64 * 1024 * 1024} bytes per file`,
    );
    run.expectIntact();
    await run.expectNothingElseChanged();
  });

  it("lying-record: an in-tree backend whose wheel's RECORD lies: exit 7, the wheel and member named, intact", async () => {
    const run = await hostileBuild("tb-lying-record", "lying-record");
    expect(run.result.exitCode, run.result.stderr).toBe(7);
    expect(run.result.stderr).toContain(
      `lying_record-1.0-py3-none-any.whl: ${PLANTED.lyingMember}: its sha256 does not match RECORD`,
    );
    run.expectIntact();
    await run.expectNothingElseChanged();
  });

  it("release refuses a wheelhouse whose wheel's RECORD was made to lie after the build (manifest, pins and SBOM fixed to match)", async () => {
    const scenario = "tb-release-lie";
    const { world, root, names } = scene(scenario);
    addReleaseFolder(root, "tb_release_lie");
    const built = await ww(world, ["build"], { cwd: root, runId: newRunId() });
    expect(built.exitCode, built.stderr).toBe(0);
    const manifest = manifestOf(root);
    const tiny = manifest.wheels.find((wheel) => wheel.name === "tinydep")!;
    const wheelFile = path.join(wheelhouseOf(root), tiny.filename);
    await lieInRecord(wheelFile, "tinydep.py");
    const bytes = readFileSync(wheelFile);
    tiny.sha256 = sha256Of(bytes);
    tiny.size = bytes.length;
    writeFileSync(path.join(wheelhouseOf(root), "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(path.join(wheelhouseOf(root), "requirements.txt"), requirementsText(manifest));
    writeFileSync(path.join(wheelhouseOf(root), SBOM_FILE), sbomText(manifest));
    const wheelhouse = snapshot(wheelhouseOf(root));
    const before = outside(world, root);
    const since = Date.now() / 1000;
    const runId = newRunId();
    const result = await ww(world, ["release"], { cwd: root, runId });
    expect(result.exitCode, result.stderr).toBe(7);
    expect(result.stderr).toContain(`${tiny.filename}: tinydep.py: its sha256 does not match RECORD`);
    expect(snapshot(wheelhouseOf(root))).toEqual(wheelhouse);
    expect(outside(world, root)).toEqual(before);
    expect(sharedTmpNaming(runId)).toEqual([]);
    expect(await engineLeftovers({ ...names, since })).toEqual(NOTHING_LEFT);
    expect((await docker(["image", "ls", "-q", names.releaseRepository])).stdout).toBe("");
  });

  it("a password-protected index: the build succeeds and the password is in no process's argv, no output, no manifest, no inspect, no image", async () => {
    const password = `PW${Date.now().toString(36)}x${process.pid}SECRET`;
    const index = await startAuthIndex("/opt/pypi", "alice", password);
    try {
      const { world, root, names } = scene("tb-credentials");
      setToolKey(root, "find-links", [makeLocalIndex()]);
      setToolKey(root, "index-url", index.url);
      expect(readFileSync(path.join(root, "pyproject.toml"), "utf8")).toContain(password);
      const since = Date.now() / 1000;
      const watch = await watchCmdlines(password, `127.0.0.1:${index.port}`);
      const inspected: string[] = [];
      const runId = newRunId();
      const build = ww(world, ["--verbose", "build"], { cwd: root, runId });
      // While the builder runs: what the engine says about it.
      const inspector = (async () => {
        for (let i = 0; i < 3000 && inspected.length === 0; i++) {
          const found = await docker(["inspect", `wheelwright-${runId}`]);
          if (found.exitCode === 0) inspected.push(found.stdout);
          else await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      const result = await build;
      await inspector;
      const seen = await watch.stop();
      expect(result.exitCode, result.stderr.slice(-3000)).toBe(0);
      expect(index.authorised()).toBeGreaterThan(0);
      // The watcher kept up: many passes, and it saw the builder's pip processes use the index.
      expect(seen.scans).toBeGreaterThan(50);
      expect(seen.marked.length, "no process naming the index was seen").toBeGreaterThan(0);
      expect(seen.hits).toEqual({});
      expect(inspected.length, "the builder was never inspected while it ran").toBe(1);
      expect(inspected[0]).toContain(`wheelwright-${runId}`);
      for (const text of [result.stdout, result.stderr, ...inspected]) expect(text).not.toContain(password);
      for (const name of ["manifest.json", "requirements.txt", "sbom.cdx.json"])
        expect(readFileSync(path.join(wheelhouseOf(root), name), "utf8")).not.toContain(password);
      const images = (
        await docker(["image", "ls", "-q", "--filter", `label=io.wheelwright.project=${names.project}`])
      ).stdout
        .split("\n")
        .filter(Boolean);
      expect(images.length).toBeGreaterThan(0);
      for (const image of new Set(images)) {
        expect((await docker(["image", "inspect", image])).stdout).not.toContain(password);
        expect((await docker(["history", "--no-trunc", image])).stdout).not.toContain(password);
      }
      expect(await engineLeftovers({ ...names, since })).toEqual(NOTHING_LEFT);
    } finally {
      await index.stop();
    }
  });

  it("a space, a comma, quotes and unicode in the project's folder and in a find-links folder: build and release succeed", async () => {
    const odd = `odd dir, "quoted" 'single' ünï€`;
    const scenario = "tb-odd-paths";
    const { world, root, names } = scene(scenario, `project ${odd}`);
    const links = path.join(world.dir, `links ${odd}`);
    await execa("cp", ["-r", makeLocalIndex(), links]);
    setToolKey(root, "find-links", [links]);
    addReleaseFolder(root, "tb_odd_paths");
    const since = Date.now() / 1000;
    const built = await ww(world, ["build"], { cwd: root, runId: newRunId() });
    expect(built.exitCode, built.stderr).toBe(0);
    expect(
      manifestOf(root)
        .wheels.map((wheel) => wheel.name)
        .sort(),
    ).toEqual(["tb-odd-paths", "tinydep"]);
    const released = await ww(world, ["release"], { cwd: root, runId: newRunId() });
    expect(released.exitCode, released.stderr).toBe(0);
    const sha = (await execa("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root })).stdout;
    const image = `${names.releaseRepository}:${sha}`;
    const ran = await docker([
      "run",
      "--rm",
      "--network",
      "none",
      image,
      "python",
      "-c",
      "import tinydep; print(tinydep.VERSION)",
    ]);
    expect(ran.stdout).toBe("2.0");
    expect(await engineLeftovers({ ...names, since })).toEqual(NOTHING_LEFT);
  });

  it("a clean tree stays clean: build then image --all tags <sha>, never <sha>-dirty", async () => {
    const { world, root, names } = scene("tb-clean-tree");
    const built = await ww(world, ["build"], { cwd: root, runId: newRunId() });
    expect(built.exitCode, built.stderr).toBe(0);
    const images = await ww(world, ["image", "--all"], { cwd: root, runId: newRunId() });
    expect(images.exitCode, images.stderr).toBe(0);
    const sha = (await execa("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root })).stdout;
    const tags = (
      await docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", `${names.project}-*`])
    ).stdout
      .split("\n")
      .filter(Boolean);
    expect(tags).toContain(`${names.project}-builder:${sha}`);
    expect(tags).toContain(`${names.project}-base:${sha}`);
    expect(tags.filter((tag) => tag.endsWith("-dirty"))).toEqual([]);
    expect(images.stdout + images.stderr).not.toContain("-dirty");
    expect((await execa("git", ["status", "--porcelain"], { cwd: root })).stdout).toBe("");
  });
});

function sha256Of(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Rewrites the wheel with RECORD's hash of `member` replaced by another file's (size left true). */
async function lieInRecord(wheel: string, member: string): Promise<void> {
  const script = `
import base64, hashlib, os, sys, zipfile
path, member = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(path) as source:
    items = [(info, source.read(info)) for info in source.infolist()]
lie = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(b"not what the wheel holds").digest()).rstrip(b"=").decode()
with zipfile.ZipFile(path + ".new", "w", zipfile.ZIP_DEFLATED) as target:
    for info, data in items:
        if info.filename.endswith(".dist-info/RECORD"):
            rows = data.decode().splitlines()
            changed = [row for row in rows if row.startswith(member + ",")]
            assert len(changed) == 1, rows
            rows = [",".join([member, lie, row.split(",")[2]]) if row.startswith(member + ",") else row for row in rows]
            data = ("\\n".join(rows) + "\\n").encode()
        target.writestr(info, data)
os.replace(path + ".new", path)
`;
  await execa("python3", ["-c", script, wheel, member]);
}
