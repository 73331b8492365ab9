// What git says about the project, as a value the planner reads (collected by project/git.ts).
export type GitFacts =
  | {
      kind: "commit";
      sha: string;
      shortSha: string;
      /** Tracked changes or untracked files under the project folder. */
      dirty: boolean;
      /** Seconds since the epoch. */
      commitTime: number;
      remote: string | undefined;
    }
  | { kind: "none"; reason: string };

/** `abc1234`, or `abc1234-dirty` for a work tree with changes: never the clean commit's tag. */
export function commitTag(git: GitFacts): string | undefined {
  if (git.kind !== "commit") return undefined;
  return git.dirty ? `${git.shortSha}-dirty` : git.shortSha;
}
