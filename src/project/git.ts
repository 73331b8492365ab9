// Collects GitFacts for the project folder. An unborn HEAD is an input error: there is no commit
// to name the images after, and silently falling back would tag a build of nothing.
import type { GitFacts } from "../domain/git-facts.js";
import { redactUrl } from "../domain/index-settings.js";
import type { ProcessRunner } from "../engine/process-runner.js";
import { InputError } from "../errors.js";

/**
 * `ignored`: paths (relative to `root`, git pathspec globs) that do not count for the dirty check:
 * wheelwright's own outputs, so its lock file never tags a clean tree `-dirty`.
 */
export async function readGitFacts(
  root: string,
  runner: ProcessRunner,
  env: Readonly<Record<string, string | undefined>>,
  ignored: readonly string[] = [],
): Promise<GitFacts> {
  const git = (args: string[]) => runner.run(["git", "-C", root, ...args], { env: { ...env, LC_ALL: "C" } });
  const inside = await git(["rev-parse", "--is-inside-work-tree"]);
  if (inside.exitCode !== 0 || inside.stdout.trim() !== "true") {
    return { kind: "none", reason: `${root} is not in a git repository` };
  }
  const head = await git(["rev-parse", "--verify", "--quiet", "HEAD"]);
  if (head.exitCode !== 0) {
    throw new InputError(
      "The git repository has no commit yet (unborn HEAD): there is no revision to tag images with",
      {
        hint: "Commit the project first (`git add -A && git commit -m 'initial'`).",
      },
    );
  }
  const sha = head.stdout.trim();
  const [short, status, time, remote] = await Promise.all([
    git(["rev-parse", "--short=12", "HEAD"]),
    // Only the project's own folder counts: a change elsewhere in a monorepo does not change its images.
    git([
      "status",
      "--porcelain",
      "--untracked-files=normal",
      "--",
      ".",
      ...ignored.map((pattern) => `:(exclude,glob)${pattern}`),
    ]),
    git(["log", "-1", "--format=%ct", "HEAD"]),
    git(["remote", "get-url", "origin"]),
  ]);
  return {
    kind: "commit",
    sha,
    shortSha: short.stdout.trim(),
    dirty: status.stdout.trim() !== "",
    commitTime: Number.parseInt(time.stdout.trim(), 10),
    remote:
      remote.exitCode === 0 && remote.stdout.trim() !== "" ? redactUrl(remote.stdout.trim()) : undefined,
  };
}

/** The HEAD commit's time (seconds), the default SOURCE_DATE_EPOCH; undefined outside git or before a commit. */
export async function readCommitTime(
  root: string,
  runner: ProcessRunner,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number | undefined> {
  const result = await runner.run(["git", "-C", root, "log", "-1", "--format=%ct", "HEAD"], {
    env: { ...env, LC_ALL: "C" },
  });
  const value = Number.parseInt(result.stdout.trim(), 10);
  return result.exitCode === 0 && Number.isFinite(value) ? value : undefined;
}
