// The names the engine and e2e tiers give what they make: a run's own objects are found by them,
// another suite's (`wwtest/<app>`, and its cache volume `wheelwright-cache-wwtest-<app>`) never.
import { describe, expect, it } from "vitest";
import { newTestRunId, RUN_ID_PATTERN } from "../support/run-facts.js";

describe("test run names", () => {
  const id = newTestRunId(Date.UTC(2026, 10, 30), (max) => max - 1);

  it("are found in image refs, project labels and volume names of the run", () => {
    expect(id).toMatch(/^[a-z0-9]{13}$/);
    for (const name of [
      `wwtest-${id}/polls-base:latest`,
      `127.0.0.1:5000/wwtest-${id}/polls-release:v1`,
      `wheelwright-cache-wwtest-${id}-polls`,
      `wheelwright-cache-wwtest-${id}-readme-polls`,
    ]) {
      expect(RUN_ID_PATTERN.exec(name)?.[1], name).toBe(id);
    }
  });

  it("are not found in another suite's names", () => {
    for (const name of [
      "wwtest/broken-builder:latest",
      "wheelwright-cache-wwtest-broken",
      "wheelwright-cache-wwtest-tb-symlink-planter",
      "wheelwright-cache-wwtest-averyverylongappname",
    ]) {
      expect(RUN_ID_PATTERN.exec(name), name).toBeNull();
    }
  });

  it("sort by the time they were made", () => {
    const earlier = newTestRunId(Date.UTC(2026, 0, 1), () => 0);
    const later = newTestRunId(Date.UTC(2026, 0, 2), () => 0);
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });
});
