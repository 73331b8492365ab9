import { describe, expect, it } from "vitest";
import { detectEngine, requireContainerEngine } from "../../src/engine/detect.js";
import type { ProcessRunner } from "../../src/engine/process-runner.js";
import { EngineUnavailableError } from "../../src/errors.js";

const failingRunner: ProcessRunner = {
  async run() {
    return {
      exitCode: 1,
      stdout: "",
      stderr: "Cannot connect to the Docker daemon. Is the docker daemon running?",
      timedOut: false,
      aborted: false,
    };
  },
};

describe("engine detection", () => {
  it("tries docker, then podman, then falls back to local, saying why each was rejected", async () => {
    const detection = await detectEngine({
      choice: "auto",
      env: {},
      runner: failingRunner,
      which: (name) => (name === "docker" ? "/usr/bin/docker" : undefined),
    });
    expect(detection.kind).toBe("local");
    expect(detection.report.map((r) => [r.candidate, r.accepted])).toEqual([
      ["docker", false],
      ["podman", false],
      ["local", true],
    ]);
    expect(detection.report[0]!.reason).toMatch(/not running/);
    expect(detection.report[1]!.reason).toMatch(/no `podman` command on PATH/);
  });

  it("fails with the engine's own reason when that engine was chosen", async () => {
    await expect(
      detectEngine({ choice: "docker", env: {}, runner: failingRunner, which: () => "/usr/bin/docker" }),
    ).rejects.toThrow(/not running/);
  });

  it("refuses image builds on the local engine, listing what was tried", async () => {
    const detection = await detectEngine({
      choice: "auto",
      env: {},
      runner: failingRunner,
      which: () => undefined,
    });
    expect(() => requireContainerEngine(detection, "image")).toThrow(EngineUnavailableError);
  });
});
