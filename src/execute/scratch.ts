// Run-scoped temporary folders (`<tmp>/wheelwright-<run id>`): generated Dockerfiles, the release
// context, a temporary engine config. Each records its owner process, so a later run (or `clean`)
// removes the folders of runs that were killed before they could clean up.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { processIsAlive, processStartTime } from "./process-liveness.js";

const PREFIX = "wheelwright-";
/** A run id (session.ts makes or accepts one): 4 to 32 lowercase letters or digits. */
export const RUN_ID_PATTERN = /^[a-z0-9]{4,32}$/;

/**
 * A scratch folder's name: the prefix and a run id, nothing else. The sweep looks at these names
 * only, so a temporary folder of some other tool or test that merely starts with the prefix is
 * never opened; there can be thousands of those in a shared /tmp, and reading each one's owner
 * file cost a release half a second.
 */
function isScratchName(name: string): boolean {
  return name.startsWith(PREFIX) && RUN_ID_PATTERN.test(name.slice(PREFIX.length));
}
const OWNER_FILE = ".wheelwright-owner.json";

export interface Owner {
  pid: number;
  host: string;
  /** The process's start time (clock ticks since boot), so a reused pid is not mistaken for the owner. */
  started: number | undefined;
}

export function currentOwner(): Owner {
  return { pid: process.pid, host: hostname(), started: processStartTime(process.pid) };
}

/** Whether the process that wrote `owner` is gone (on this host; another host's is never judged). */
export function ownerIsGone(owner: Owner): boolean {
  if (owner.host !== hostname()) return false;
  if (!processIsAlive(owner.pid)) return true;
  const started = processStartTime(owner.pid);
  return owner.started !== undefined && started !== undefined && started !== owner.started;
}

export function scratchPath(tmpdir: string, runId: string): string {
  return path.join(tmpdir, `${PREFIX}${runId}`);
}

/** Creates a run's scratch folder (`scratchPath`; private to the user) and records its owner. */
export function makeScratch(dir: string): { dir: string; dispose(): void } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(currentOwner()));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Removes the scratch folders of this user's runs whose owner process is gone; returns them. */
export function sweepStaleScratch(tmpdir: string): string[] {
  if (!existsSync(tmpdir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(tmpdir)) {
    if (!isScratchName(name)) continue;
    const dir = path.join(tmpdir, name);
    try {
      if (statSync(dir).uid !== process.getuid?.()) continue;
      const owner = JSON.parse(readFileSync(path.join(dir, OWNER_FILE), "utf8")) as Owner;
      if (!ownerIsGone(owner)) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Not ours (no owner file), or another run removed it first.
    }
  }
  return removed;
}
