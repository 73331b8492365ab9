// The README is part of the product: its exit-code and config tables must match the code.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS, KEY_NAMES } from "../../src/config/schema.js";
import { EXIT_CODE_MEANINGS, EXIT_CODES, type ExitCodeName } from "../../src/errors.js";
import { REPO_ROOT } from "../support/cli.js";

const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

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
});
