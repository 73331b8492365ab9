// The README is part of the product: its exit-code and config tables must match the code, and its
// runnable blocks (run by test/e2e/readme.test.ts) must be well-formed.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS, KEY_NAMES } from "../../src/config/schema.js";
import { EXIT_CODE_MEANINGS, EXIT_CODES, type ExitCodeName } from "../../src/errors.js";
import { runnableBlocks } from "../support/readme-blocks.js";
import { REPO_ROOT } from "../support/run-facts.js";

const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const section = (title: string) => {
  const start = readme.indexOf(`\n## ${title}\n`);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
};

describe("README", () => {
  it("lists every exit code with the meaning the code gives it", () => {
    for (const name of Object.keys(EXIT_CODES) as ExitCodeName[]) {
      expect(readme).toContain(`| ${EXIT_CODES[name]} | ${EXIT_CODE_MEANINGS[name]} |`);
    }
  });

  it("documents every config key with its environment variables", () => {
    for (const key of KEY_NAMES) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${key}\` |`));
      expect(row, `README row for ${key}`).toBeDefined();
      for (const env of CONFIG_KEYS[key].env) expect(row).toContain(env);
    }
  });

  it("runs the tests with the command .ci/run runs", () => {
    expect(readme).toContain("npm test ");
    expect(readFileSync(path.join(REPO_ROOT, ".ci", "run"), "utf8")).toMatch(/^npm test$/m);
  });

  it("marks the quick start's blocks runnable, each saying what it must print", () => {
    const blocks = runnableBlocks(readme);
    const quickStart = runnableBlocks(section("Quick start"));
    expect(quickStart.map((block) => block.script)).toEqual(
      blocks.slice(0, quickStart.length).map((block) => block.script),
    );
    expect(quickStart.some((block) => /npm install/.test(block.script))).toBe(true);
    expect(quickStart.some((block) => /wheelwright all/.test(block.script))).toBe(true);
    for (const block of blocks) expect(block.expect.length, block.script).toBeGreaterThan(0);
  });

  it("marks no block runnable that would run the test suite itself (the e2e tier runs them)", () => {
    for (const block of runnableBlocks(readme)) expect(block.script).not.toMatch(/npm (run )?test\b/);
  });

  it("reads a marker's expected lines and refuses a marker without its block", () => {
    const blocks = runnableBlocks(
      'text\n<!-- runnable expect="a b" expect="c" -->\n```sh\necho a b\necho c\n```\n',
    );
    expect(blocks).toEqual([{ line: 2, script: "echo a b\necho c", expect: ["a b", "c"] }]);
    expect(() => runnableBlocks("<!-- runnable -->\n\n```sh\nls\n```\n")).toThrow(/must be followed/);
  });
});
