// The lock in use reaches the helper's error: a pin no index offers is told as the lock's.
import { describe, expect, it } from "vitest";
import { explainHelperFailure } from "../../src/execute/build-failure.js";
import type { BuildSandbox } from "../../src/execute/sandbox.js";

const sandbox = { engineAnswers: async () => true, oomKills: async () => 0 } as unknown as BuildSandbox;
const failed = {
  exitCode: 24,
  aborted: false,
  timedOut: false,
  error: { kind: "error" as const, error: "resolve", not_found: "iniconfig==2.1.0", offered: ["2.3.0"] },
  app: undefined,
  output: [],
  lastPackage: undefined,
};
const context = {
  sandbox,
  signal: new AbortController().signal,
  timeoutSeconds: 60,
  memory: undefined,
  container: true,
};

describe("a helper failure explained with the build's lock", () => {
  it("names the lock file when the build used one", async () => {
    const error = await explainHelperFailure(failed, { ...context, lock: "poetry.lock" });
    expect(error.message).toBe("poetry.lock pins iniconfig==2.1.0; the index offers 2.3.0");
  });

  it("is the index error without one", async () => {
    const error = await explainHelperFailure(failed, context);
    expect(error.message).toMatch(/^No package index or find-links location offers 'iniconfig==2.1.0'/);
  });
});
