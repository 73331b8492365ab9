// Versions read from git (setuptools-scm, hatch-vcs): the builder gets a copy of the source without
// .git (and has no git), so the version is worked out here, the way setuptools-scm's default scheme
// does, and handed over as SETUPTOOLS_SCM_PRETEND_VERSION (hatch-vcs reads it too).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ProcessRunner } from "../engine/process-runner.js";

const SCM_BACKENDS = /\b(setuptools[-_]scm|hatch[-_]vcs)\b/i;

/** Whether the project's version comes from git (its build requirements name setuptools-scm or hatch-vcs). */
export function usesScmVersion(sourceDir: string): boolean {
  const pyproject = path.join(sourceDir, "pyproject.toml");
  const setupPy = path.join(sourceDir, "setup.py");
  const text = [pyproject, setupPy]
    .filter(existsSync)
    .map((file) => readFileSync(file, "utf8"))
    .join("\n");
  return SCM_BACKENDS.test(text) || /use_scm_version/.test(text);
}

/** `v1.2.3-4-gabcdef0` (+ dirty) -> 1.2.4.dev4+gabcdef0, as setuptools-scm's guess-next-dev scheme. */
export function scmVersionFrom(describe: string, commits: number, shortSha: string, dirty: boolean): string {
  const match = /^(.*)-(\d+)-g([0-9a-f]+)$/.exec(describe.trim());
  const local = `+g${shortSha}${dirty ? ".dirty" : ""}`;
  if (match === null) return `0.1.dev${commits}${local}`;
  const tag = match[1]!.replace(/^[vV]/, "");
  const distance = Number(match[2]);
  if (distance === 0 && !dirty) return tag;
  const release = /^(\d+(?:\.\d+)*)/.exec(tag)?.[1] ?? "0";
  const parts = release.split(".").map(Number);
  parts[parts.length - 1]! += 1;
  return `${parts.join(".")}.dev${distance}${local}`;
}

export async function readScmVersion(
  root: string,
  runner: ProcessRunner,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  const git = (args: string[]) => runner.run(["git", "-C", root, ...args], { env: { ...env, LC_ALL: "C" } });
  const [described, count, sha, status] = await Promise.all([
    git(["describe", "--tags", "--long", "--match", "*[0-9]*"]),
    git(["rev-list", "--count", "HEAD"]),
    git(["rev-parse", "--short=7", "HEAD"]),
    git(["status", "--porcelain", "--untracked-files=no"]),
  ]);
  if (sha.exitCode !== 0) return undefined;
  return scmVersionFrom(
    described.exitCode === 0 ? described.stdout : "",
    Number.parseInt(count.stdout.trim(), 10) || 0,
    sha.stdout.trim(),
    status.stdout.trim() !== "",
  );
}
