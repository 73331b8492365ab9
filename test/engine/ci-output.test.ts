// CI-native output of a real `wheelwright build` on GitHub Actions (GITHUB_ACTIONS=true): each step's
// output folded into a group, a progress line per Dockerfile step and per compiled sdist, the job
// summary ($GITHUB_STEP_SUMMARY) with the wheel table of the manifest and the step timings, and a
// failing dependency turned into an `::error` annotation that carries the error's hint.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeData } from "../../src/cli/render/github.js";
import type { Manifest } from "../../src/domain/manifest.js";
import { runCli } from "../support/cli.js";
import { containersOf, engineOrSkip } from "../support/engine.js";
import { projectNames, setDependencies } from "../support/fault-projects.js";
import { removeCacheVolume, removeProjectImages } from "../support/fault-world.js";
import { makeLocalIndex, makeProject, projectOf } from "../support/fixtures.js";

const SCENARIO = "ci-github";

function githubEnv(root: string) {
  const summary = path.join(root, "..", `${path.basename(root)}-step-summary.md`);
  writeFileSync(summary, "");
  return { summary, env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary } };
}

/** The groups as [title, lines inside], checking that each opens after the previous one closed. */
function groups(stderr: string): { title: string; body: string[] }[] {
  const found: { title: string; body: string[] }[] = [];
  let open: { title: string; body: string[] } | undefined;
  for (const line of stderr.split("\n")) {
    if (line.startsWith("::group::")) {
      expect(open, `a group opened inside ${open?.title}`).toBeUndefined();
      open = { title: line.slice("::group::".length), body: [] };
    } else if (line === "::endgroup::") {
      expect(open, "an endgroup without a group").toBeDefined();
      found.push(open!);
      open = undefined;
    } else open?.body.push(line);
  }
  expect(open, "a group left open").toBeUndefined();
  return found;
}

describe.skipIf(engineOrSkip())("CI output on GitHub Actions (real engine)", () => {
  let root: string;
  beforeAll(() => {
    makeLocalIndex();
    root = makeProject({ scenario: SCENARIO, dependencies: ["tinydep", "cext"] });
  });
  afterAll(async () => {
    await removeProjectImages(projectOf(SCENARIO));
    await removeCacheVolume(projectNames(SCENARIO).cacheVolume);
  });

  it("folds each step, shows the Dockerfile steps and the compiled sdist, and writes the wheel table", async () => {
    const { summary, env } = githubEnv(root);
    const result = await runCli(["build"], { cwd: root, env });
    expect(result.exitCode, result.stderr).toBe(0);
    const folded = groups(result.stderr);
    const finished = [...result.stderr.matchAll(/^✓ (.+) \(\d+\.\d s.*\)$/gm)].map((m) => m[1]);
    // Every step that finished was folded, in the same order.
    expect(folded.map((g) => g.title)).toEqual(finished);
    const builderImage = folded.find((g) => g.title.startsWith("image builder"));
    expect(builderImage?.body.some((line) => /^ {2}step 1\/\d+: FROM /.test(line))).toBe(true);
    const deps = folded.find((g) =>
      g.body.some((line) => line.includes("compiling cext 1.0 from its sdist")),
    );
    expect(deps?.body.filter((line) => line.includes("compiling cext"))).toHaveLength(1);
    expect(deps?.body.find((line) => line.includes("compiling cext"))).toMatch(/\(\d+\/\d+ done, \d+ left\)/);

    const manifest = JSON.parse(
      readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8"),
    ) as Manifest;
    const markdown = readFileSync(summary, "utf8");
    expect(markdown).toMatch(/^### ✓ wheelwright build$/m);
    expect(markdown).toContain("| wheel | version | size | origin |");
    const rows = markdown
      .split("\n")
      .filter((line) => /^\| \S+ \| \S+ \| [\d.]+ (KiB|MiB) \| (built|fetched) \|$/.test(line));
    expect(rows.map((row) => row.split(" | ").map((c) => c.replace(/^\| |\s\|$/g, "")))).toEqual(
      manifest.wheels.map((w) => [w.name, w.version, expect.stringMatching(/ (KiB|MiB)$/), w.origin]),
    );
    for (const title of finished) expect(markdown).toContain(`| ✓ ${title} |`);
    rmSync(summary);
  });

  it("a dependency whose build fails: an ::error annotation with the hint, and the failure in the summary", async () => {
    setDependencies(root, ["tinydep", "cext", "zbroken"]);
    const { summary, env } = githubEnv(root);
    const result = await runCli(["build"], { cwd: root, env });
    expect(result.exitCode).toBe(6);
    const hint = /^hint: (.+)$/m.exec(result.stderr)?.[1];
    expect(hint).toBeDefined();
    const annotation = result.stderr.split("\n").filter((line) => line.startsWith("::error "));
    expect(annotation).toHaveLength(1);
    expect(annotation[0]).toMatch(/^::error title=wheelwright%3A wheel build failed \(exit 6\)::/);
    expect(annotation[0]).toContain("zbroken");
    expect(annotation[0]).toContain(escapeData(`\nhint: ${hint}`));
    // The error is printed after every group closed: a collapsed group never hides it.
    expect(result.stderr.lastIndexOf("::endgroup::")).toBeLessThan(result.stderr.indexOf("error: "));
    const failed = groups(result.stderr).find((g) =>
      g.body.some((line) => line.includes("compiling zbroken")),
    );
    // The failing step's group names the package that was compiling, once.
    expect(failed?.body.filter((line) => line.includes("zbroken"))).toEqual([
      expect.stringMatching(/^ {2}compiling zbroken 1\.0 from its sdist \(\d+\/\d+ done, \d+ left\)$/),
    ]);
    const markdown = readFileSync(summary, "utf8");
    expect(markdown).toMatch(/^### ✗ wheelwright build$/m);
    expect(markdown).toContain("zbroken");
    expect(markdown).toContain(`**hint:** ${hint}`);
    expect(containersOf(projectOf(SCENARIO))).toEqual([]);
    rmSync(summary);
  });
});
