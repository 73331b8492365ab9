// The project's result store on the host (one per project, so `clean --all` removes only its own).
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { projectId } from "../domain/labels.js";
import { localCacheDir } from "../execute/cache-dir.js";
import { ResultStore } from "../execute/result-store.js";
import type { WorkflowContext } from "./context.js";

export function projectStore(ctx: WorkflowContext, project: LoadedProject): ResultStore {
  const id = projectId(project.config.namespace.value, project.config.app.value).replace(
    /[^a-z0-9_.-]+/g,
    "-",
  );
  return new ResultStore(path.join(localCacheDir(ctx.env), "store", id));
}

/** Commit times by commit id (a commit's time never changes): an up-to-date build asks git nothing. */
export function commitTimesFile(ctx: WorkflowContext): string {
  return path.join(localCacheDir(ctx.env), "commit-times.json");
}
