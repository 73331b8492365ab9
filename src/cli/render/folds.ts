// Which CI folds a step's output, chosen from the environment the runner sets: GitHub Actions
// (`GITHUB_ACTIONS=true`) groups, GitLab (`GITLAB_CI=true`) collapsible sections, elsewhere none.
import * as github from "./github.js";
import * as gitlab from "./gitlab.js";

export type CiKind = "github" | "gitlab" | undefined;

export interface Folds {
  open(id: string, title: string): string;
  close(id: string): string;
}

export function ciKind(env: Readonly<Record<string, string | undefined>>): CiKind {
  if (env.GITHUB_ACTIONS === "true") return "github";
  if (env.GITLAB_CI === "true") return "gitlab";
  return undefined;
}

export function foldsFor(kind: CiKind, clock: () => number): Folds | undefined {
  const now = () => Math.floor(clock() / 1000);
  switch (kind) {
    case "github":
      return { open: (_id, title) => github.groupStart(title), close: () => github.groupEnd() };
    case "gitlab":
      return {
        open: (id, title) => gitlab.sectionStart(id, title, now()),
        close: (id) => gitlab.sectionEnd(id, now()),
      };
    default:
      return undefined;
  }
}
