// The commands that speak to a registry of their own accord: `cache ls|prune` (the registry wheel
// cache) and `verify` (an image's provenance). Commander definitions only, as in program.ts.
import { type Command, InvalidArgumentError } from "commander";
import type { SessionOf } from "./program.js";

function parseKeep(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("a whole number (0 or more)");
  return Number(value);
}

export function addCache(program: Command, session: SessionOf): void {
  const cache = program
    .command("cache")
    .description("list or trim this project's entries in the registry wheel cache (the `cache` setting)");
  cache
    .command("ls")
    .description(
      "list this project's entries in the cache, newest first: kind (set or sdist wheel), name and version, platform, creation time, size, tag",
    )
    .action(async (_options: unknown, command: Command) => {
      const { cacheListCommand } = await import("./commands/cache.js");
      await cacheListCommand(session(command));
    });
  cache
    .command("prune")
    .description(
      "delete this project's entries from the cache, all but the newest N wheel sets and, of the wheels compiled from sdists, the newest N of each distribution and platform",
    )
    .option(
      "--keep <n>",
      "how many of the newest sets, and of each distribution's sdist wheels per platform, to keep [default: 10]",
      parseKeep,
    )
    .option("-n, --dry-run", "list what would be deleted, and delete nothing")
    .action(async (options: { keep?: number; dryRun?: boolean }, command: Command) => {
      const { cachePruneCommand } = await import("./commands/cache.js");
      await cachePruneCommand(session(command), { keep: options.keep ?? 10, dryRun: options.dryRun });
    });
}

export function addVerify(program: Command, session: SessionOf): void {
  program
    .command("verify")
    .description(
      "check a pushed image against the provenance push attached to it: its digest, the commit (HEAD here, or --commit) and that every installed distribution is a wheel of its manifest (exit 14 when not)",
    )
    .argument("<ref>", "the image in its registry: REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@sha256:…")
    .option(
      "--commit <sha>",
      "the commit the image must come from [default: HEAD of the current git work tree]",
    )
    .action(async (reference: string, options: { commit?: string }, command: Command) => {
      const { verifyCommand } = await import("./commands/verify.js");
      await verifyCommand(session(command), reference, options);
    });
}
