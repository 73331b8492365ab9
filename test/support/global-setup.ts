// Global setup of the engine and e2e tiers: one test run for both (they share this process).
// Setup removes what earlier runs that are gone left behind (killed runs), registers this run,
// builds its test images and hands the run to the tests. The last teardown removes everything the
// run made on the engine and fails when anything of it is still there.
import { randomInt } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execaSync } from "execa";
import type { TestProject } from "vitest/node";
import { sweepEngine, testObjects } from "./engine-sweep.js";
import {
  engineAnswers,
  engineRequired,
  newTestRunId,
  REPO_ROOT,
  RUN_LABEL,
  RUN_PREFIX,
  type TestRun,
} from "./run-facts.js";

/** Runs that are going: one file per run, holding the pid of its vitest process. */
const RUNS_DIR = path.join(tmpdir(), "wheelwright-test-runs");

interface Shared {
  run: TestRun;
  users: number;
}
// Each project loads this file anew; the process (and so globalThis) is shared.
const SHARED = Symbol.for("wheelwright.test-run");
const shared = globalThis as { [SHARED]?: Shared };

/**
 * A run that registered here and whose process is gone: it was killed before its teardown. Ids
 * that never registered are not this suite's runs, and are never touched.
 */
function isDeadRun(runId: string): boolean {
  let pid: number;
  try {
    ({ pid } = JSON.parse(readFileSync(path.join(RUNS_DIR, `${runId}.json`), "utf8")) as { pid: number });
  } catch {
    return false;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Removes the engine objects and temp folders of runs that are gone (killed before their teardown). */
function sweepDeadRuns(): void {
  const dead = readdirSync(RUNS_DIR)
    .map((file) => file.replace(/\.json$/, ""))
    .filter(isDeadRun);
  if (dead.length === 0) return;
  const left = sweepEngine((runId) => dead.includes(runId));
  for (const runId of dead) {
    rmSync(path.join(tmpdir(), `${RUN_PREFIX}${runId}`), { recursive: true, force: true });
    // Forgotten only once nothing of it is left, so a later run tries again.
    if (!left.some((object) => object.runId === runId))
      rmSync(path.join(RUNS_DIR, `${runId}.json`), { force: true });
  }
  if (left.length > 0) {
    console.warn(`could not remove what earlier test runs left: ${left.map((o) => o.shown).join(", ")}`);
  }
}

/** The polls example's base and builder, named after the run and carrying its label. */
function buildTestImages(run: TestRun): void {
  const docker = path.join(REPO_ROOT, "examples", "polls", "docker");
  const build = (tag: string, folder: string, args: string[] = []) => {
    const result = execaSync(
      "docker",
      ["build", "--network", "host", "-q", "--label", `${RUN_LABEL}=${run.id}`, ...args, "-t", tag, folder],
      { env: { DOCKER_BUILDKIT: "0" }, reject: false },
    );
    if (result.exitCode !== 0)
      throw new Error(`building the test image ${tag} failed:\n${String(result.stderr)}`);
  };
  build(run.baseImage, path.join(docker, "base"));
  build(run.builderImage, path.join(docker, "builder"), ["--build-arg", `BASE_IMAGE=${run.baseImage}`]);
}

function startRun(): TestRun {
  const id = newTestRunId(Date.now(), randomInt);
  const namespace = `${RUN_PREFIX}${id}`;
  const engine = engineAnswers();
  if (!engine && engineRequired) {
    throw new Error(
      "The engine and e2e tests need a running Docker engine (CI requires it): start one with `bash .ci/start-engine.sh`",
    );
  }
  const run: TestRun = {
    id,
    namespace,
    tempRoot: path.join(tmpdir(), namespace),
    baseImage: `${namespace}/test-base:latest`,
    builderImage: `${namespace}/test-builder:latest`,
    engine,
  };
  mkdirSync(RUNS_DIR, { recursive: true });
  mkdirSync(run.tempRoot, { recursive: true });
  writeFileSync(path.join(RUNS_DIR, `${id}.json`), JSON.stringify({ pid: process.pid, since: new Date() }));
  if (engine) {
    sweepDeadRuns();
    buildTestImages(run);
  }
  console.log(`test run ${id}: namespace ${namespace}, files under ${run.tempRoot}`);
  return run;
}

function endRun(run: TestRun): void {
  const mine = (runId: string) => runId === run.id;
  if (run.engine) {
    const made = testObjects(mine);
    const count = (kind: string) => made.filter((object) => object.kind === kind).length;
    console.log(
      `test run ${run.id}: removing ${count("image")} image tag(s), ${count("volume")} volume(s), ${count("network")} network(s), ${count("container")} container(s)`,
    );
    // wheelwright removes its containers itself: one still here at the end is worth a look.
    for (const container of made.filter((object) => object.kind === "container")) {
      console.warn(`test run ${run.id}: container left behind: ${container.shown}`);
    }
  }
  const left = run.engine ? sweepEngine(mine) : [];
  rmSync(run.tempRoot, { recursive: true, force: true });
  rmSync(path.join(RUNS_DIR, `${run.id}.json`), { force: true });
  if (left.length > 0) {
    const list = left.map((object) => `  ${object.kind} ${object.shown}`).join("\n");
    throw new Error(`the tests left these on the engine, and removing them failed:\n${list}`);
  }
}

export default function setup(project: TestProject): () => void {
  shared[SHARED] ??= { run: startRun(), users: 0 };
  const state = shared[SHARED];
  state.users++;
  project.provide("wheelwrightTestRun", state.run);
  return () => {
    state.users--;
    if (state.users > 0) return;
    delete shared[SHARED];
    endRun(state.run);
  };
}
