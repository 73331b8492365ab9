// The helper's phases as the user sees them: the app's step stays open until its wheel is built,
// though the helper starts resolving (and fetching) from the static metadata meanwhile; a failure
// while the app builds is the app's step's, not "resolve"'s.
import { describe, expect, it } from "vitest";
import type { WheelwrightEvent } from "../../src/events.js";
import { runHelper } from "../../src/execute/run-helper.js";
import type { BuildSandbox } from "../../src/execute/sandbox.js";

const line = (message: Record<string, unknown>) => `@@wheelwright ${JSON.stringify(message)}`;
const APP = line({
  kind: "app",
  name: "demo",
  version: "1.0",
  filename: "demo-1.0-py3-none-any.whl",
  requires: [],
  extras: [],
  groups: [],
});

/** A sandbox whose helper prints `lines` and exits with `exitCode`. */
function sandboxPrinting(lines: string[], exitCode = 0): BuildSandbox {
  return {
    run: async (
      _argv: readonly string[],
      options?: { onOutput?: (line: string, stream: "stdout") => void },
    ) => {
      for (const text of lines) options?.onOutput?.(text, "stdout");
      return { exitCode, output: "", aborted: false };
    },
    paths: { work: "/w" },
  } as unknown as BuildSandbox;
}

async function stepsOf(lines: string[], exitCode = 0): Promise<string[]> {
  const events: WheelwrightEvent[] = [];
  let now = 0;
  await runHelper({
    sandbox: sandboxPrinting(lines, exitCode),
    argv: [],
    env: {},
    timeoutMs: 60_000,
    signal: new AbortController().signal,
    emit: (event) => events.push(event),
    clock: () => (now += 1000),
  });
  return events.flatMap((e) => {
    if (e.type === "step-started") return [`start ${e.id}`];
    if (e.type === "step-finished") return [`done ${e.id}${e.detail === undefined ? "" : ` (${e.detail})`}`];
    if (e.type === "step-failed") return [`failed ${e.id}`];
    if (e.type === "output") return [`output ${e.id}: ${e.line}`];
    return [];
  });
}

describe("the helper's phases as steps", () => {
  it("a resolution begun while the app builds starts its step once the app's wheel is built", async () => {
    const steps = await stepsOf([
      line({ kind: "phase", phase: "bootstrap" }),
      line({ kind: "phase", phase: "app" }),
      line({ kind: "phase", phase: "resolve" }),
      line({ kind: "log", step: "resolve", line: "Looking in indexes: file:///i" }),
      APP,
      line({ kind: "phase", phase: "deps" }),
      line({ kind: "phase", phase: "check" }),
    ]);
    expect(steps).toEqual([
      "start bootstrap",
      "done bootstrap",
      "start app",
      "output app: Looking in indexes: file:///i",
      "done app (resolving the dependencies meanwhile)",
      "start resolve",
      "done resolve",
      "start deps",
      "done deps",
      "start check",
      "done check",
    ]);
  });

  it("the fetching begun meanwhile too: every step still shows, in order, saying so", async () => {
    const steps = await stepsOf([
      line({ kind: "phase", phase: "app" }),
      line({ kind: "phase", phase: "resolve" }),
      line({ kind: "phase", phase: "deps" }),
      APP,
      line({ kind: "phase", phase: "check" }),
    ]);
    expect(steps).toEqual([
      "start app",
      "done app (the dependencies were resolved meanwhile)",
      "start resolve",
      "done resolve (done while the application's wheel was built)",
      "start deps",
      "done deps",
      "start check",
      "done check",
    ]);
  });

  it("a failure before the app's wheel is built fails the app's step", async () => {
    const steps = await stepsOf(
      [
        line({ kind: "phase", phase: "app" }),
        line({ kind: "phase", phase: "resolve" }),
        line({ kind: "error", error: "app-build", phase: "build-env", tail: [] }),
      ],
      23,
    );
    expect(steps).toEqual(["start app", "failed app"]);
  });

  it("an app-only build: app, then check", async () => {
    const steps = await stepsOf([
      line({ kind: "phase", phase: "app" }),
      APP,
      line({ kind: "phase", phase: "check" }),
    ]);
    expect(steps).toEqual(["start app", "done app", "start check", "done check"]);
  });

  it("host-file hints go to the host's early reader as they come, and print nothing", async () => {
    const hinted: string[] = [];
    const events: WheelwrightEvent[] = [];
    await runHelper({
      sandbox: sandboxPrinting([
        line({ kind: "phase", phase: "deps" }),
        line({ kind: "host-file", at: "/srv/index/a-1.0-py3-none-any.whl" }),
        line({ kind: "host-file", at: 7 }), // malformed: not a hint at all
        line({ kind: "host-file", at: "/srv/index/b-1.0-py3-none-any.whl" }),
      ]),
      argv: [],
      env: {},
      timeoutMs: 60_000,
      signal: new AbortController().signal,
      emit: (event) => events.push(event),
      clock: () => 0,
      onHostFile: (at) => hinted.push(at),
    });
    expect(hinted).toEqual(["/srv/index/a-1.0-py3-none-any.whl", "/srv/index/b-1.0-py3-none-any.whl"]);
    expect(events.filter((e) => e.type === "output")).toEqual([]);
  });
});
