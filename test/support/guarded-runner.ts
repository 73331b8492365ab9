// A ProcessRunner for in-process CLI tests that guards the engine: it runs nothing, records every
// argv, answers `git` from a small fake, and treats the container engine as the test says: forbidden (any call fails the
// test: the proof that input was refused before the engine) or down (answers like a daemon that
// is not running, so a run that gets past the input checks ends with exit 4).
import type { ProcessRunner, RunResult } from "../../src/engine/process-runner.js";

/** What `git` says about a fixture folder: a commit, a repository without one, or no repository. */
export type GitState =
  | { kind: "commit"; sha: string; commitTime: number; dirty?: boolean }
  | { kind: "unborn" }
  | { kind: "none" };

export type GitCommit = Extract<GitState, { kind: "commit" }>;

export const FAKE_COMMIT: GitCommit = {
  kind: "commit",
  sha: "0123456789abcdef0123456789abcdef01234567",
  commitTime: 1_700_000_000,
};

export interface GuardedRunner extends ProcessRunner {
  /** Every argv run, in order. */
  readonly calls: string[][];
  /** The calls that reached the container engine (docker or podman). */
  readonly engineCalls: string[][];
  /** Calls nobody expected: neither git nor (an allowed) engine call. */
  readonly unexpected: string[][];
}

export interface GuardedRunnerOptions {
  git?: GitState;
  /** `forbidden` (the default): an engine call is a test failure. `down`: the daemon is not running. */
  engine?: "forbidden" | "down";
}

const result = (exitCode: number, stdout = "", stderr = ""): RunResult => ({
  exitCode,
  stdout,
  stderr,
  timedOut: false,
  aborted: false,
});

function answerGit(state: GitState, args: string[]): RunResult {
  if (state.kind === "none") return result(128, "", "fatal: not a git repository\n");
  const [verb, ...rest] = args;
  const has = (word: string) => rest.includes(word);
  if (verb === "rev-parse" && has("--is-inside-work-tree")) return result(0, "true\n");
  if (state.kind === "unborn") return result(128, "", "fatal: ambiguous argument 'HEAD'\n");
  if (verb === "rev-parse" && has("--short=12")) return result(0, `${state.sha.slice(0, 12)}\n`);
  if (verb === "rev-parse" && has("HEAD")) return result(0, `${state.sha}\n`);
  if (verb === "status") return result(0, state.dirty ? " M changed.py\n" : "");
  if (verb === "log") return result(0, `${state.commitTime}\n`);
  if (verb === "remote") return result(2, "", "error: No such remote 'origin'\n");
  return result(129, "", `fake git: unknown command ${args.join(" ")}\n`);
}

const DAEMON_DOWN =
  "Cannot connect to the Docker daemon at unix:///nonexistent/docker.sock. Is the docker daemon running?\n";

export function guardedRunner(options: GuardedRunnerOptions = {}): GuardedRunner {
  const calls: string[][] = [];
  const engineCalls: string[][] = [];
  const unexpected: string[][] = [];
  const git = options.git ?? FAKE_COMMIT;
  return {
    calls,
    engineCalls,
    unexpected,
    async run(argv) {
      const words = [...argv];
      calls.push(words);
      const program = words[0]?.split("/").at(-1);
      if (program === "git") {
        // `git -C ROOT ARGS...`
        const args = words[1] === "-C" ? words.slice(3) : words.slice(1);
        return answerGit(git, args);
      }
      if (program === "docker" || program === "podman") {
        engineCalls.push(words);
        if (options.engine === "down") return result(1, "", DAEMON_DOWN);
        throw new Error(`the test forbids engine calls, and the CLI ran: ${words.join(" ")}`);
      }
      unexpected.push(words);
      throw new Error(`the guarded runner does not run ${words.join(" ")}`);
    },
  };
}
