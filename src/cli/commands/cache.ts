// `wheelwright cache ls` and `wheelwright cache prune [--keep N] [--dry-run]`: the project's entries
// in the registry wheel cache (wheel sets and wheels compiled from sdists), listed or trimmed (issue 13).
import { formatBytes } from "../../domain/sizes.js";
import { type CacheEntry, listCacheEntries, pruneCacheEntries } from "../../workflows/cache-entries.js";
import { type Session, workflowContext } from "../session.js";
import { sessionViews } from "../target-runs.js";

/** One line an entry: kind, name and version, platform, created, size, tag (the column a script wants last). */
function entryLine(entry: CacheEntry): string {
  const what = entry.kind === "set" ? `set (${entry.wheels} wheels)` : entry.kind;
  return `${what.padEnd(16)}  ${`${entry.name} ${entry.version}`.padEnd(24)}  ${entry.platform.padEnd(12)}  ${entry.created.padEnd(24)}  ${formatBytes(entry.size).padStart(10)}  ${entry.tag}`;
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
