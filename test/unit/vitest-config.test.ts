// The suite's own configuration: vitest sizes the forks pool from the root config alone (a
// project's maxForks is never read), and its default, one fork less than the CPUs, ran the engine
// files one at a time on the 2-core machines CI runs on.
import { describe, expect, it } from "vitest";
import config from "../../vitest.config.js";

type Forks = { maxForks?: number; singleFork?: boolean };
type Project = { test: { name: string; poolOptions?: { forks?: Forks } } };

describe("vitest.config.ts", () => {
  const test = config.test as { poolOptions?: { forks?: Forks }; projects: Project[] };
  const project = (name: string) => test.projects.find((p) => p.test.name === name)!;

  it("sizes the forks pool at the root: two engine files at a time unless WHEELWRIGHT_TEST_FORKS says", () => {
    const expected = Number(process.env.WHEELWRIGHT_TEST_FORKS ?? 2) || 1;
    expect(test.poolOptions?.forks?.maxForks).toBe(Math.max(1, expected));
  });

  it("sets no pool size in a project, where vitest would ignore it; e2e runs one file at a time", () => {
    for (const p of test.projects) expect(p.test.poolOptions?.forks?.maxForks).toBeUndefined();
    expect(project("e2e").test.poolOptions?.forks?.singleFork).toBe(true);
  });
});
