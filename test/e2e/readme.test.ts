// Every shell block the README marks runnable (`<!-- runnable -->` before a ```sh block), run as
// written, in README order, from the root of a scratch copy of the repository (what a clone would
// hold), with the packed tool's bin first on PATH: a `wheelwright` in the README is the installed
// tool. Each block must exit 0 and print the lines its marker names.
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { cliEnv } from "../support/cli.js";
import { engineOrSkip } from "../support/engine.js";
import { commitAll, git } from "../support/fixtures.js";
import { NPM_QUIET, packedTool } from "../support/packed.js";
import { runnableBlocks } from "../support/readme-blocks.js";
import { REPO_ROOT } from "../support/run-facts.js";
import { testRun } from "../support/test-run.js";

const blocks = runnableBlocks(readFileSync(path.join(REPO_ROOT, "README.md"), "utf8"));

/**
 * The repository's files as a clone has them (tracked, and new files not ignored, so an
 * uncommitted change is tested too), committed in a fresh repository. node_modules is copied in
 * beside them: the README's `npm install` then has nothing to fetch, and still compiles the tool.
 */
async function scratchCopy(): Promise<string> {
  const root = path.join(testRun().tempRoot, "readme-clone");
  mkdirSync(root);
  const listed = await execa("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO_ROOT,
  });
  for (const file of String(listed.stdout).split("\0").filter(Boolean)) {
    try {
      cpSync(path.join(REPO_ROOT, file), path.join(root, file), { recursive: true });
    } catch (error) {
      // A tracked file deleted in the work tree is not part of the copy.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  cpSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"), {
    recursive: true,
    verbatimSymlinks: true,
  });
  git(root, "init", "-q", "-b", "main");
  commitAll(root, "clone");
  return root;
}

describe.skipIf(engineOrSkip())("the README's runnable blocks", () => {
  let root: string;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    const tool = await packedTool();
    root = await scratchCopy();
    env = cliEnv({
      ...NPM_QUIET,
      PATH: `${path.dirname(tool.bin)}:${process.env.PATH}`,
      // The README's commands as written; only the image namespace is the run's, so the engine is
      // left as it was found.
      WHEELWRIGHT_NAMESPACE: `${testRun().namespace}-readme`,
    });
  });

  it("marks the quick start and the example's workflow runnable", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  // In order: a later block may need what an earlier one did (the quick start's `npm install`).
  for (const block of blocks) {
    it(`README line ${block.line}: ${block.script.split("\n")[0]}`, async () => {
      const result = await execa("bash", ["-e", "-o", "pipefail", "-c", block.script], {
        cwd: root,
        env,
        extendEnv: false,
        reject: false,
        stdin: "ignore",
        all: true,
      });
      const output = String(result.all);
      expect(result.exitCode, output.slice(-4000)).toBe(0);
      for (const line of block.expect) expect(output, `expected "${line}"`).toContain(line);
    });
  }
});
