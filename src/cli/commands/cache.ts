// `wheelwright cache ls` and `wheelwright cache prune [--keep N] [--dry-run]`: the project's entries
// in the registry wheel cache, listed or trimmed (issue 13).
import { formatBytes } from "../../domain/sizes.js";
import { type CacheEntry, listCacheEntries, pruneCacheEntries } from "../../workflows/cache-entries.js";
import { type Session, workflowContext } from "../session.js";
import { sessionViews } from "../target-runs.js";

function entryLine(entry: CacheEntry): string {
  return `${entry.tag}  ${entry.created.padEnd(24)}  ${String(entry.wheels).padStart(4)} wheels  ${formatBytes(entry.size).padStart(10)}  ${entry.app}`;
}

export async function cacheListCommand(session: Session): Promise<void> {
  const project = sessionViews(session)[0]!;
  const entries = await listCacheEntries(workflowContext(session), project);
  if (session.json) {
    session.out(`${JSON.stringify({ version: 1, cache: project.config.cache.value, entries }, null, 2)}\n`);
    return;
  }
  session.out(
    entries.length === 0
      ? `${project.config.cache.value}: no entries of this project\n`
      : `${entries.map(entryLine).join("\n")}\n${entries.length} entr${entries.length === 1 ? "y" : "ies"} in ${project.config.cache.value}\n`,
  );
}

export async function cachePruneCommand(
  session: Session,
  options: { keep: number; dryRun?: boolean },
): Promise<void> {
  const project = sessionViews(session)[0]!;
  const result = await pruneCacheEntries(
    workflowContext(session),
    project,
    options.keep,
    options.dryRun === true,
  );
  if (session.json) {
    session.out(`${JSON.stringify({ version: 1, cache: project.config.cache.value, ...result }, null, 2)}\n`);
    return;
  }
  const verb = result.dryRun ? "would delete" : "deleted";
  session.out(
    `${result.deleted.map((entry) => `${verb} ${entryLine(entry)}`).join("\n")}${result.deleted.length === 0 ? "" : "\n"}${verb} ${result.deleted.length}, kept ${result.kept.length} (--keep ${options.keep})\n`,
  );
}
