import { describe, expect, it } from "vitest";
import { type BuildSandbox, closeDuring } from "../../src/execute/sandbox.js";

/** A sandbox whose close is recorded and ends when the test says so. */
function closingSandbox(outcome: "ok" | "fail") {
  const log: string[] = [];
  let finish: () => void = () => {};
  const sandbox = {
    close: () =>
      new Promise<void>((resolve, reject) => {
        log.push("close started");
        finish = () => {
          log.push("close ended");
          if (outcome === "ok") resolve();
          else reject(new Error("the engine could not remove the container"));
        };
      }),
  } as unknown as BuildSandbox;
  return { sandbox, log, finish: () => finish() };
}

describe("closing the builder while the host checks its output", () => {
  it("starts the close before the work ends, and returns only once both are done", async () => {
    const { sandbox, log, finish } = closingSandbox("ok");
    const result = closeDuring(sandbox, async () => {
      log.push("work");
      finish();
      return 42;
    });
    await expect(result).resolves.toBe(42);
    expect(log).toEqual(["close started", "work", "close ended"]);
  });

  it("a failed close fails the run when the work succeeded", async () => {
    const { sandbox, finish } = closingSandbox("fail");
    await expect(closeDuring(sandbox, async () => finish())).rejects.toThrow(
      /could not remove the container/,
    );
  });

  it("a failed work is the error said, even when the close failed too; the close is still awaited", async () => {
    const { sandbox, log, finish } = closingSandbox("fail");
    const run = closeDuring(sandbox, async () => {
      setImmediate(finish);
      throw new Error("a wheel failed verification");
    });
    await expect(run).rejects.toThrow(/failed verification/);
    expect(log).toContain("close ended");
  });
});
