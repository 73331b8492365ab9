// The wheel cache's command line, in-process (no engine, no network): the `cache` setting checked
// with the rest of the config, --cache and --no-cache as its flag layer, `cache ls` without one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../../src/errors.js";
import { guardedRunner } from "../support/guarded-runner.js";
import { runInProcess, testEnv } from "../support/in-process.js";
import { writeProject } from "../support/project-files.js";

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "wheelwright-cache-cli-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(extraToolConfig = ""): string {
  return writeProject(
    { scenario: "cache-cli", extraToolConfig },
    {
      parent: scratch,
      namespace: "wwtest",
      findLinks: path.join(scratch, "index"),
      baseImage: "wwtest/test-base:latest",
      builderImage: "wwtest/test-builder:latest",
    },
  );
}

/** The CLI in-process; the engine is down (`info` asks for it and says so). */
async function cli(args: string[], root: string) {
  const runner = guardedRunner({ engine: "down" });
  const result = await runInProcess(args, { cwd: root, env: testEnv(scratch), runner });
  expect(runner.unexpected).toEqual([]);
  return result;
}

describe("the wheel cache on the command line", () => {
  it("a cache reference without a host, or with a tag, is a config error (exit 3) naming the key", async () => {
    for (const [value, problem] of [
      ["acme/wheels", "names no registry host"],
      ["127.0.0.1:5000/acme/wheels:v1", "names a tag or digest"],
    ]) {
      const result = await cli(["info"], project(`cache = "${value}"\n`));
      expect(result.exitCode, result.stderr).toBe(EXIT_CODES.input);
      expect(result.stderr).toContain(`'${value}' ${problem}`);
    }
    const flagged = await cli(["--cache", "127.0.0.1:5000/Acme", "info"], project());
    expect(flagged.exitCode).toBe(EXIT_CODES.input);
    expect(flagged.stderr).toContain("cache (from --cache)");
  });

  it("--cache sets it for the run, --no-cache turns a configured one off (info shows where from)", async () => {
    const root = project('cache = "127.0.0.1:5000/acme/wheels"\n');
    const configured = await cli(["info"], root);
    expect(configured.stdout).toMatch(/cache\s.*127\.0\.0\.1:5000\/acme\/wheels/);
    const flagged = await cli(["--cache", "127.0.0.1:5001/team/wheels", "info"], root);
    expect(flagged.stdout).toMatch(/127\.0\.0\.1:5001\/team\/wheels.*flag --cache/);
    const off = await cli(["--no-cache", "info"], root);
    expect(off.exitCode, off.stderr).toBe(0);
    expect(off.stdout).not.toContain("127.0.0.1:5000/acme/wheels");
  });

  it("cache ls without a cache: exit 3 with how to set one", async () => {
    const result = await cli(["cache", "ls"], project());
    expect(result.exitCode).toBe(EXIT_CODES.input);
    expect(result.stderr).toContain("No registry wheel cache is configured");
    const pruned = await cli(["cache", "prune", "--keep", "x"], project());
    expect(pruned.exitCode).toBe(EXIT_CODES.usage);
  });
});
