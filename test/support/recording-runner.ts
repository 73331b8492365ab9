// A ProcessRunner that records every argv (with the env each was given) and answers from a script,
// so adapters are tested by the exact command lines they send.
import type { ProcessRunner, RunOptions, RunResult } from "../../src/engine/process-runner.js";

export interface Answer {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

export interface RecordedCall {
  argv: readonly string[];
  options: RunOptions | undefined;
}

/** Answers by the longest matching argv prefix (joined with spaces); unknown commands exit 0. */
export function recordingRunner(
  answers: Record<string, Answer | ((argv: readonly string[]) => Answer)> = {},
) {
  const calls: RecordedCall[] = [];
  const runner: ProcessRunner = {
    async run(argv, options): Promise<RunResult> {
      calls.push({ argv, options });
      const line = argv.join(" ");
      const key = Object.keys(answers)
        .filter((prefix) => line.startsWith(prefix))
        .sort((a, b) => b.length - a.length)[0];
      const found = key === undefined ? { exitCode: 0 } : answers[key]!;
      const answer = typeof found === "function" ? found(argv) : found;
      return {
        exitCode: answer.exitCode,
        stdout: answer.stdout ?? "",
        stderr: answer.stderr ?? "",
        timedOut: false,
        aborted: false,
      };
    },
  };
  return { runner, calls };
}
