// One run at a time per wheelhouse: a lock file beside it (`.<wheelhouse>.lock`), created with
// O_EXCL and naming its holder (pid, host, process start time, command). A lock whose holder process
// is gone (killed, even by SIGKILL) is taken over at once; a live holder makes the run fail with
// exit 10, naming it.
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { LockedError, ResourceError } from "../errors.js";
import { currentOwner, type Owner, ownerIsGone } from "./scratch.js";

export interface WheelhouseLock {
  readonly path: string;
  release(): void;
}

interface Holder extends Owner {
  command: string;
  since: string;
}

export function lockPathOf(wheelhouse: string): string {
  return path.join(path.dirname(wheelhouse), `.${path.basename(wheelhouse)}.lock`);
}

function readHolder(lockPath: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(lockPath, "utf8")) as Holder;
  } catch {
    return undefined;
  }
}

function tryCreate(lockPath: string, holder: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, "wx", 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code === "ENOSPC" || code === "EDQUOT")
      throw new ResourceError(
        `The disk holding ${path.dirname(lockPath)} is full: the lock could not be written`,
      );
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(holder));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Moves a dead holder's lock aside (only one of two racing runs wins the rename), then removes it. */
function takeOver(lockPath: string): void {
  const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(lockPath, aside);
    rmSync(aside, { recursive: true, force: true });
  } catch {
    // Another run took it over first: the next create attempt tells.
  }
}

export function lockWheelhouse(wheelhouse: string, command: string): WheelhouseLock {
  const lockPath = lockPathOf(wheelhouse);
  // A target's wheelhouse lies in the project's (`wheelhouse/<target>`), which a first run makes.
  mkdirSync(path.dirname(lockPath), { recursive: true });
  const holder: Holder = { ...currentOwner(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(lockPath, holder)) {
      return {
        path: lockPath,
        release: () => {
          // Only our own lock is removed: never one a later run took over.
          if (readHolder(lockPath)?.pid === holder.pid) rmSync(lockPath, { force: true });
        },
      };
    }
    // A folder is the lock of wheelwright versions before 0.2 (proper-lockfile); its holder is unknowable.
    const isFolder = (() => {
      try {
        return lstatSync(lockPath).isDirectory();
      } catch {
        return false;
      }
    })();
    const current = readHolder(lockPath);
    if (isFolder || (current !== undefined && ownerIsGone(current))) {
      takeOver(lockPath);
      continue;
    }
    if (current === undefined) continue; // being written right now, or just released
    throw new LockedError(
      `The wheelhouse ${wheelhouse} is locked by \`${current.command}\` (pid ${current.pid} on ${current.host}, since ${current.since})`,
      { hint: "Wait for that run to finish (a lock whose process is gone is taken over at once)." },
    );
  }
  throw new LockedError(`The wheelhouse ${wheelhouse} is locked by another run that keeps renewing it`, {
    hint: "Wait for the other run to finish.",
  });
}
