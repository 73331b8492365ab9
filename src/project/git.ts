// Collects GitFacts for the project folder. An unborn HEAD is an input error: there is no commit
// to name the images after, and silently falling back would tag a build of nothing.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
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

/**
 * HEAD's commit id read from the repository's files (HEAD, the ref it names, packed-refs), with no
 * process; undefined where that is not plain (a detached worktree layout git must resolve itself).
 */
export function readHeadSha(root: string): string | undefined {
  try {
    let dir = root;
    while (!existsSync(path.join(dir, ".git"))) {
      if (path.dirname(dir) === dir) return undefined;
      dir = path.dirname(dir);
    }
    let gitDir = path.join(dir, ".git");
    if (statSync(gitDir).isFile()) {
      const pointer = /^gitdir: (.+)$/m.exec(readFileSync(gitDir, "utf8"))?.[1]?.trim();
      if (pointer === undefined) return undefined;
      gitDir = path.resolve(dir, pointer);
    }
    const head = readFileSync(path.join(gitDir, "HEAD"), "utf8").trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
    if (ref === undefined) return undefined;
    const loose = path.join(gitDir, ref);
    if (existsSync(loose)) return readFileSync(loose, "utf8").trim();
    const packed = path.join(gitDir, "packed-refs");
    if (!existsSync(packed)) return undefined;
    return new RegExp(`^([0-9a-f]{40}) ${ref.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m").exec(
      readFileSync(packed, "utf8"),
    )?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The HEAD commit's time (seconds), the default SOURCE_DATE_EPOCH; undefined outside git or before
 * a commit. A commit's time never changes, so it is kept by commit id in `cacheFile`: an
 * up-to-date build starts no git process.
 */
export async function readCommitTime(
  root: string,
  runner: ProcessRunner,
  env: Readonly<Record<string, string | undefined>>,
  cacheFile?: string,
): Promise<number | undefined> {
  const sha = readHeadSha(root);
  const cache = readTimes(cacheFile);
  if (sha !== undefined && cache[sha] !== undefined) return cache[sha];
  const result = await runner.run(["git", "-C", root, "log", "-1", "--format=%H %ct", "HEAD"], {
    env: { ...env, LC_ALL: "C" },
  });
  const [commit, time] = result.stdout.trim().split(" ");
  const value = Number.parseInt(time ?? "", 10);
  if (result.exitCode !== 0 || !Number.isFinite(value)) return undefined;
  if (cacheFile !== undefined && commit !== undefined) writeTimes(cacheFile, { ...cache, [commit]: value });
  return value;
}

function readTimes(file: string | undefined): Record<string, number> {
  try {
    return file === undefined ? {} : (JSON.parse(readFileSync(file, "utf8")) as Record<string, number>);
  } catch {
    return {};
  }
}

/** Best effort (a cache): the newest 200 commits, written atomically. */
function writeTimes(file: string, times: Record<string, number>): void {
  try {
    const kept = Object.fromEntries(Object.entries(times).slice(-200));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}`, JSON.stringify(kept));
    renameSync(`${file}.${process.pid}`, file);
  } catch {
    // A cache that cannot be written only costs a git call next time.
  }
}
