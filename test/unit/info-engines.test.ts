// `wheelwright info` says why each engine was or was not chosen: the one that answered, the ones
// that did not (with their reason), and the ones never tried (with why not). In-process, with a
// runner where docker's daemon is down and podman answers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../../src/engine/process-runner.js";
import { type GuardedRunner, guardedRunner } from "../support/guarded-runner.js";
import { runInProcess, testEnv } from "../support/in-process.js";
import { writeProject } from "../support/project-files.js";

let scratch: string;
let root: string;
beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "wheelwright-info-engines-"));
  root = writeProject(
    { scenario: "info-engines" },
    {
      parent: scratch,
      namespace: "wwtest",
      findLinks: path.join(scratch, "index"),
      baseImage: "wwtest/test-base:latest",
      builderImage: "wwtest/test-builder:latest",
    },
  );
  await import("../../src/cli/commands/info.js");
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PODMAN_INFO = JSON.stringify({
  host: { ociRuntime: { name: "runc" }, security: { rootless: false }, networkBackend: "cni" },
  store: { graphRoot: "/var/lib/containers/storage" },
  version: { Version: "4.3.1" },
});

/** The guarded runner with docker down, and podman answering `podman info` (and nothing else). */
function dockerDownPodmanUp(): GuardedRunner {
  const guarded = guardedRunner({ engine: "down" });
  const answered: RunResult = {
    exitCode: 0,
    stdout: PODMAN_INFO,
    stderr: "",
    timedOut: false,
    aborted: false,
  };
  return {
    ...guarded,
    calls: guarded.calls,
    engineCalls: guarded.engineCalls,
    unexpected: guarded.unexpected,
    run: async (argv, options) =>
      argv[0]?.endsWith("podman") && argv[1] === "info" ? answered : guarded.run(argv, options),
  };
}

async function info(args: string[], env: Record<string, string> = {}) {
  const result = await runInProcess(["info", ...args], {
    cwd: root,
    env: testEnv(scratch, env),
    runner: dockerDownPodmanUp(),
  });
  expect(result.exitCode, result.stderr).toBe(0);
  return result;
}

describe("info: why each engine was or was not chosen", () => {
  it("auto: docker's reason for its rejection, podman chosen, local not tried", async () => {
    const { stdout } = await info([]);
    const engine = stdout.slice(stdout.indexOf("\nengine\n"));
    expect(engine).toMatch(/✗ docker +The docker engine is not running/);
    expect(engine).toMatch(
      /✓ podman +server 4\.3\.1 answers at local storage \/var\/lib\/containers\/storage/,
    );
    expect(engine).toMatch(/- local +not tried: podman answered first/);
    expect(engine).toMatch(/builder buildah/);
  });

  it("an engine chosen by the environment: the others were never asked, and --json says so", async () => {
    const { stdout } = await info(["--json"], { WHEELWRIGHT_ENGINE: "podman" });
    const description = JSON.parse(stdout) as {
      candidates: { candidate: string; accepted: boolean; tried?: boolean; reason: string }[];
      settings: { key: string; origin: string }[];
    };
    expect(description.candidates).toEqual([
      { candidate: "podman", accepted: true, reason: expect.stringContaining("4.3.1") },
      {
        candidate: "docker",
        accepted: false,
        tried: false,
        reason: "not tried: the engine is set to podman",
      },
      { candidate: "local", accepted: false, tried: false, reason: "not tried: the engine is set to podman" },
    ]);
    expect(description.settings.find((s) => s.key === "engine")?.origin).toMatch(/WHEELWRIGHT_ENGINE/);
  });
});
