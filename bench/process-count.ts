// Counts the processes a command starts, by running it under `strace -f` and reading the trace:
// every fork, vfork or clone that made a process (not a thread: no CLONE_THREAD) and every
// program executed. Issue 12's goal for a no-op `wheelwright build` is zero of both.
import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";

export interface ProcessCount {
  /** Processes created by the command and its descendants. */
  processes: number;
  /** Programs executed by them, by file name, in order (the command's own start is left out). */
  programs: string[];
}

export interface TracedRun extends ProcessCount {
  /** The command's stdout and stderr, interleaved. */
  output: string;
}

const CALL = /^(\d+)\s+(clone3?|v?fork|execve)\((.*)$/;
const RESUMED = /^(\d+)\s+<\.\.\. (clone3?|v?fork|execve) resumed>(.*)$/;
const RESULT = /\)\s+=\s+(-?\d+)(?:\s.*)?$/;

/** Parses an `strace -f -e trace=execve,fork,vfork,clone,clone3` log (one that strace wrote with -o). */
export function countFromTrace(trace: string): ProcessCount {
  const pending = new Map<string, { call: string; text: string }>();
  const programs: string[] = [];
  let processes = 0;
  let first = true;
  for (const line of trace.split("\n")) {
    let pid: string;
    let call: string;
    let text: string;
    const started = CALL.exec(line);
    const resumed = RESUMED.exec(line);
    if (started) {
      [, pid, call, text] = started as unknown as [string, string, string, string];
      if (text.includes("<unfinished ...>")) {
        // Another process's line came in between: the result follows on a "resumed" line.
        pending.set(pid, { call, text });
        continue;
      }
    } else if (resumed) {
      [, pid, call, text] = resumed as unknown as [string, string, string, string];
      const opened = pending.get(pid);
      pending.delete(pid);
      text = `${opened?.text ?? ""}${text}`;
    } else continue;
    const result = Number(RESULT.exec(text)?.[1] ?? -1);
    if (call === "execve") {
      if (result !== 0) continue; // a PATH lookup that missed
      if (first)
        first = false; // the traced command itself
      else programs.push(path.basename(/^"([^"]*)"/.exec(text)?.[1] ?? "?"));
    } else if (result > 0 && !text.includes("CLONE_THREAD")) {
      processes++;
    }
  }
  return { processes, programs };
}

/** Runs argv under strace (which must be installed) and counts what it started; throws when argv fails. */
export async function countProcesses(
  argv: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<TracedRun> {
  const log = path.join(os.tmpdir(), `wwbench-strace-${process.pid}-${Date.now()}.txt`);
  try {
    const traced = [
      "-f",
      "-qq",
      "-e",
      "signal=none",
      "-e",
      "trace=execve,fork,vfork,clone,clone3",
      "-o",
      log,
      "--",
      ...argv,
    ];
    const result = await execa("strace", traced, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      reject: false,
      stdin: "ignore",
      all: true,
    });
    if (result.exitCode !== 0) {
      throw new Error(
        `${argv.join(" ")} failed under strace (${result.exitCode}):\n${String(result.all).slice(-2000)}`,
      );
    }
    return { ...countFromTrace(readFileSync(log, "utf8")), output: String(result.all) };
  } finally {
    rmSync(log, { force: true });
  }
}

/** "python3 ×1, bash ×4": which programs ran, for the row's note. */
export function describePrograms(programs: string[]): string {
  const counts = new Map<string, number>();
  for (const name of programs) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${name} ×${n}`).join(", ");
}
