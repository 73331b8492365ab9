// What a private engine leaves on the host, found by its run folder's name, and how it is removed.
//
// Everything a run makes is named after its folder `<tmp>/wheelwright-private-engine-<name>-<pid>`:
// the processes (their command lines name the folder), the data root's mount and loop device
// (under the folder), the cgroup parent of its containers (`/<folder's basename>`). Its network
// namespace is anonymous (`unshare --net`) and dies with the processes, so `ip netns` never lists it.
// The folder records its owner (pid and start time): a later run removes only what a *dead* owner
// left, so runs of other helpers on this machine are never touched.
import {
  existsSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execaSync } from "execa";

export const FOLDER_PREFIX = "wheelwright-private-engine-";

/** Programs of a private engine's process tree (the docker CLI clients talking to it are not). */
const ENGINE_PROGRAMS = /^(unshare|docker-init|sh|dockerd|containerd|containerd-shim.*|runc)$/;

export interface HostProcess {
  pid: number;
  argv: string[];
}

/** Every process whose command line mentions `marker`. Processes that end while read are skipped. */
export function processesMentioning(marker: string): HostProcess[] {
  const found: HostProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (cmdline.includes(marker)) found.push({ pid: Number(entry), argv: cmdline.split("\0").slice(0, -1) });
  }
  return found;
}

/** The private engine's own processes (its namespace's init, dockerd, containerd, shims). */
export function engineProcesses(folder: string): HostProcess[] {
  return processesMentioning(`${folder}/`).filter((p) =>
    ENGINE_PROGRAMS.test(path.basename(p.argv[0] ?? "")),
  );
}

/** A process's start time (clock ticks since boot), which tells a live pid from a reused one. */
export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

export function writeOwner(folder: string): void {
  writeFileSync(path.join(folder, "owner"), `${process.pid} ${startTime(process.pid)}\n`);
}

/** Whether the process that made `folder` still runs (without an owner file: judged by the pid in the name). */
export function ownerAlive(folder: string): boolean {
  let owner: string[];
  try {
    owner = readFileSync(path.join(folder, "owner"), "utf8").trim().split(" ");
  } catch {
    const pid = /-(\d+)$/.exec(folder)?.[1];
    return pid !== undefined && existsSync(`/proc/${pid}`);
  }
  return owner[1] !== undefined && startTime(Number(owner[0])) === owner[1];
}

/** Mount points at or under `folder` in this process's mount namespace, deepest first. */
export function mountsUnder(folder: string): string[] {
  return readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((line) =>
      (line.split(" ")[1] ?? "").replace(/\\(\d{3})/g, (_, o) => String.fromCharCode(Number.parseInt(o, 8))),
    )
    .filter((point) => point === folder || point.startsWith(`${folder}/`))
    .sort((a, b) => b.length - a.length);
}

/** Loop devices backed by `file` (`losetup -j`). */
export function loopDevicesOf(file: string): string[] {
  if (!existsSync(file)) return [];
  const out = String(execaSync("losetup", ["-j", file], { reject: false }).stdout);
  return out
    .split("\n")
    .map((line) => line.split(":")[0] ?? "")
    .filter((device) => device.startsWith("/dev/"));
}

function cgroupRoots(): string[] {
  return ["/sys/fs/cgroup", ...readdirSync("/sys/fs/cgroup").map((c) => `/sys/fs/cgroup/${c}`)];
}

function topCgroupNames(): Set<string> {
  const names = new Set<string>();
  for (const root of cgroupRoots()) {
    try {
      for (const entry of readdirSync(root, { withFileTypes: true }))
        if (entry.isDirectory()) names.add(entry.name);
    } catch {
      // not a folder
    }
  }
  return names;
}

/** The cgroup folders called `name` at the top of every cgroup hierarchy (v1 controllers, v2, hybrid). */
export function cgroupsNamed(name: string): string[] {
  const found = new Set<string>();
  for (const root of cgroupRoots()) {
    const candidate = path.join(root, name);
    try {
      if (existsSync(path.join(candidate, "cgroup.procs"))) found.add(realpathSync(candidate));
    } catch {
      // a controller folder that vanished or is not a hierarchy
    }
  }
  return [...found];
}

/** Polls `done` until it holds or `ms` pass: cleanup may run in an exit hook, so it cannot await. */
function waitSync(done: () => boolean, ms: number): boolean {
  const until = Date.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!done()) {
    if (Date.now() > until) return false;
    Atomics.wait(pause, 0, 0, 50);
  }
  return true;
}

function removeCgroup(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeCgroup(path.join(dir, entry.name));
  }
  // A cgroup whose last task is still exiting is busy for a moment.
  waitSync(() => {
    try {
      rmdirSync(dir);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ENOENT";
    }
  }, 30_000);
}

/**
 * Removes everything a private engine made, in the order that lets each step succeed: its
 * namespace (SIGKILL to its init kills every process in it, containers included), the data root's
 * mount, the loop device, the cgroups, the folder. Synchronous, so an exit hook can run it.
 * Throws when something stays, naming it.
 */
export function removeLeftovers(folder: string): void {
  for (const p of engineProcesses(folder)) {
    if (/^(unshare|docker-init)$/.test(path.basename(p.argv[0] ?? ""))) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  const problems: string[] = [];
  if (!waitSync(() => engineProcesses(folder).length === 0, 60_000)) {
    problems.push(`processes ${engineProcesses(folder).map((p) => p.pid)}`);
  }
  for (const point of mountsUnder(folder)) {
    // Busy only while a host process still has a file open in it; detach it lazily then.
    if (execaSync("umount", [point], { reject: false }).exitCode !== 0) {
      execaSync("umount", ["-l", point], { reject: false });
    }
  }
  const mounted = mountsUnder(folder);
  if (mounted.length > 0) problems.push(`mounts ${mounted}`);
  const image = path.join(folder, "disk.img");
  // Autoclear detaches the loop device once the dead namespace's copy of the mount is released too.
  if (!waitSync(() => loopDevicesOf(image).length === 0, 30_000)) {
    for (const device of loopDevicesOf(image)) execaSync("losetup", ["-d", device], { reject: false });
  }
  if (loopDevicesOf(image).length > 0) problems.push(`loop devices ${loopDevicesOf(image)}`);
  for (const dir of cgroupsNamed(path.basename(folder))) removeCgroup(dir);
  if (cgroupsNamed(path.basename(folder)).length > 0) problems.push("cgroups");
  // Never recurse into a file system still mounted there: that would empty it, not unmount it.
  if (mounted.length === 0) rmSync(folder, { recursive: true, force: true });
  if (problems.length > 0) throw new Error(`The private engine in ${folder} left ${problems.join(", ")}`);
}

/** Removes what runs whose owner died (SIGKILL, a crash) left; returns their folders. */
export function sweepDeadRuns(root = tmpdir()): string[] {
  const dead = readdirSync(root)
    .filter((name) => name.startsWith(FOLDER_PREFIX))
    .map((name) => path.join(root, name))
    .filter((folder) => !ownerAlive(folder));
  for (const folder of dead) removeLeftovers(folder);
  // Cgroups outlive a folder removed by hand: their names carry the owner's pid.
  for (const name of topCgroupNames()) {
    const folder = path.join(root, name);
    if (name.startsWith(FOLDER_PREFIX) && !existsSync(folder) && !ownerAlive(folder)) {
      for (const dir of cgroupsNamed(name)) removeCgroup(dir);
    }
  }
  return dead;
}
