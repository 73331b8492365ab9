// WHEELWRIGHT_TRACE: what a trace line holds (argv, the variables a command sets, secret names
// only, the kind of stdin) and that the traced runner still runs the command, in order.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import type { ProcessRunner, RunOptions } from "../../src/engine/process-runner.js";
import { traceLine, tracingRunner } from "../../src/engine/process-trace.js";

const scratch = mkdtempSync(path.join(tmpdir(), "wheelwright-trace-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const OWN = { PATH: "/usr/bin", HOME: "/root" };

function recording(): ProcessRunner & { ran: string[][] } {
  const ran: string[][] = [];
  return {
    ran,
    async run(argv) {
      ran.push([...argv]);
      return { exitCode: 0, stdout: "", stderr: "", timedOut: false, aborted: false };
    },
  };
}

describe("traceLine", () => {
  it("keeps the variables the command sets or changes, and drops the ones it inherits unchanged", () => {
    const line = traceLine(
      ["docker", "build", "."],
      { env: { ...OWN, HOME: "/elsewhere", DOCKER_BUILDKIT: "0" } },
      OWN,
    );
    expect(line).toEqual({
      argv: ["docker", "build", "."],
      env: { HOME: "/elsewhere", DOCKER_BUILDKIT: "0" },
      secretEnv: [],
      stdin: "none",
    });
  });

  it("names a secret variable and never writes its value, nor stdin's content", () => {
    const options: RunOptions = {
      env: { ...OWN, TOKEN: "s3cret-value" },
      secretEnvNames: ["TOKEN"],
      input: "password-on-stdin\n",
    };
    const line = traceLine(["docker", "exec", "-e", "TOKEN", "c", "true"], options, OWN);
    expect(line.secretEnv).toEqual(["TOKEN"]);
    expect(line.stdin).toBe("text");
    expect(JSON.stringify(line)).not.toMatch(/s3cret-value|password-on-stdin/);
  });

  it("tells a byte stream and the terminal apart", () => {
    expect(traceLine(["docker", "cp", "-", "c:/x"], { input: Readable.from([]) }, OWN).stdin).toBe("stream");
    expect(traceLine(["sh"], { inheritStdio: true }, OWN).stdin).toBe("terminal");
  });
});

describe("tracingRunner", () => {
  it("is the runner itself when no file is named", () => {
    const runner = recording();
    expect(tracingRunner(runner, undefined, OWN)).toBe(runner);
    expect(tracingRunner(runner, "", OWN)).toBe(runner);
  });

  it("appends one JSON line per command, in the order they start, and runs each", async () => {
    const file = path.join(scratch, "trace.jsonl");
    const runner = recording();
    const traced = tracingRunner(runner, file, OWN);
    await traced.run(["git", "status"]);
    await traced.run(["docker", "version"], { env: { ...OWN, LC_ALL: "C" } });
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.argv)).toEqual([
      ["git", "status"],
      ["docker", "version"],
    ]);
    expect(lines[1].env).toEqual({ LC_ALL: "C" });
    expect(runner.ran).toEqual([
      ["git", "status"],
      ["docker", "version"],
    ]);
  });
});
