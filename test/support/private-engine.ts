// A private Docker daemon for fault tests: killed, starved of disk or memory, without touching the
// shared daemon everyone on this machine uses.
//
// How it is isolated (each point was checked on this machine):
// - Its own network namespace (`unshare --net`, `lo` up): dockerd's `--bridge=none` clean-up and
//   everything else it does to links happen there, never in the host's namespace. Loopback only, so
//   containers use `--network host` (the namespace's loopback) or `none`; a registry on the host's
//   127.0.0.1 is NOT reachable from it, a `file://` index is (the file system is shared).
// - Its own pid namespace with docker-init (tini) as pid 1: SIGKILL of dockerd ends the namespace,
//   and the kernel kills every process in it, containerd, shims and containers included. Nothing
//   outlives it and no pid it leaves can be reused by a later start.
// - Its own mount namespace (private propagation): overlay2 and netns mounts stay inside it; a
//   tmpfs over `/run` hides the shared daemon's `/run/docker` and `/run/containerd` (containerd's
//   shim sockets live in `/run/containerd/s`); a tmpfs exec root starts empty on every start.
//   That matters: pids restart at 1 in a new pid namespace, so a stale `containerd.pid` or
//   `--pidfile` from before a kill names a live process of the new namespace and dockerd refuses to
//   start ("pid file found") or waits on a containerd that is not there.
// - Its own data root on a loop-mounted ext4 file of `dataRootBytes` (see loop-disk.ts for why not
//   tmpfs), its own `--exec-root`, `--pidfile`, unix socket, `--config-file` (so /etc/docker/daemon.json
//   never applies) and `--cgroup-parent`. Its managed containerd gets its own folders because they
//   derive from those roots: root <data-root>/containerd/daemon, state and socket <exec-root>/containerd.
//   It still reads /etc/docker/key.json (dockerd 20.10 has no flag for it; the shared daemon made it).
//
// What the docker CLI does when the engine dies or its disk fills, measured with this module
// (Docker Engine 20.10.24 from Debian; clients 28.2.2 = `docker` on PATH, legacy builder, and
// 20.10.24 = /usr/bin/docker, BuildKit with DOCKER_BUILDKIT=1; both print the same unless a row says
// otherwise). Only the private engine was killed or filled: doing either to the shared one is not
// allowed. <sock> is the engine's socket path, <root> its data root.
//
// dockerd SIGKILLed (its containerd and containers die with it) while the client runs:
// | client command                          | exit | what it prints (stderr)                                    |
// |-----------------------------------------|------|------------------------------------------------------------|
// | docker exec C sh -c ... (no -i, no tty) | 255  | nothing; stdout has the process's output up to the kill    |
// | docker run -i --rm ... (keepalive)      | 125  | time="..." level=error msg="error waiting for container: unexpected EOF" |
// | docker cp - C:/dir (tar on stdin)       | 1    | error during connect: Put "http://%2F<sock, escaped>/v1.41/containers/C/archive?noOverwriteDirNonDir=true&path=%2Fdir": EOF |
// | docker cp C:/file -                     | 1    | unexpected EOF (stdout: the tar stream, cut short)         |
// | docker build, legacy builder            | 1    | unexpected EOF (last line; stdout: the steps up to the running one) |
// | docker build, BuildKit                  | 1    | unexpected EOF (last line, after the plain progress)       |
// | any command while it is down            | 1    | Cannot connect to the Docker daemon at unix://<sock>. Is the docker daemon running? |
// After restart(): images are there; `--rm` containers are gone but their anonymous volumes stay
// (the builder image's two VOLUME lines: 2 volumes per killed builder; a normal `--rm` exit removes
// them); a legacy build's intermediate container stays (Exited (255)).
//
// The data root's file system full (fillDisk):
// | where                                   | exit | what it prints                                             |
// |-----------------------------------------|------|------------------------------------------------------------|
// | a process in a container writing to its | its  | dd: error writing '/var/tmp/big': No space left on device  |
// | own file system (docker run or exec)    | own  | python: OSError: [Errno 28] No space left on device         |
// |                                         |      | sh (exit 2): sh: 1: cannot create /tmp/x: No space left on device |
// |                                         |      | mkdir: cannot create directory '/tmp/d': No space left on device |
// | pip wheel in the builder (exec)         | 1    | error: could not write to 'build/lib/bigpkg/blob.bin': No space left on device, then ERROR: Failed building wheel for bigpkg ... ERROR: Failed to build one or more wheels |
// | docker exec itself                      | -    | still works with 0 bytes free                               |
// | docker cp FILE C:/dir, docker cp - C:/dir | 1  | Error response from daemon: Error processing tar file(exit status 1): write /dir/FILE: no space left on device (the partial file STAYS in the container) |
// | docker run (making the container)       | 125  | docker: Error response from daemon: mkdir <root>/overlay2/<id>-init: no space left on device (then, client 28: "Run 'docker run --help' for more information"; 20.10: ".\nSee 'docker run --help'.") |
// | docker build legacy, a RUN step writing | 1    | stdout: the step's own stderr, cut up by colour codes: "\e[91mdd: \e[0m\e[91merror writing '/var/tmp/big'\e[0m\e[91m: No space left on device\e[0m" (strip /\e\[\d+m/ before matching); stderr: The command '/bin/sh -c dd ...' returned a non-zero code: 1 |
// | docker build BuildKit, a RUN step       | 1    | "#5 0.183 dd: error writing '/var/tmp/big': No space left on device", then: #5 ERROR: executor failed running [/bin/sh -c dd ...]: exit code: 1 (repeated as the last line) |
// | docker build legacy, context / COPY     | 1    | Error response from daemon: Error processing tar file(exit status 1): write /big50: no space left on device (nearly nothing left: mkdir <root>/tmp/docker-builderNNN: no space left on device, or ... Error setting up pivot dir: mkdir <root>/tmp/docker-builderNNN/.pivot_rootNNN: no space left on device) |
// | docker build BuildKit, context / COPY   | 1    | write <root>/overlay2/<id>/diff/big50: no space left on device |
// | docker load (loadImage)                 | 1    | Error processing tar file(exit status 1): write /usr/bin/join: no space left on device (a 117 MB image into 256 MiB; the 677 MB builder loads into 2500 MiB, 1.7 GiB left) |
// | docker build, nothing left at all       | 1    | legacy: mkdir <root>/overlay2/<id>-init: no space left on device; BuildKit: failed to solve with frontend dockerfile.v0: failed to read dockerfile: failed to prepare <id>: mkdir <root>/overlay2/<id>: no space left on device |
//
// Memory limits (`docker run --memory 64m`), on the shared and the private engine alike. This host
// has cgroup v1 (hybrid: v1 controllers plus an empty v2 mount at /sys/fs/cgroup/unified) and no
// swap, so docker's default memsw limit (twice --memory) changes nothing.
// - The container's main process over the limit: `docker run` exits 137; `docker inspect`:
//   State.OOMKilled=true, ExitCode=137.
// - A `docker exec`'d process over the limit gets SIGKILL: `docker exec` exits 137 (a shell around
//   it prints "Killed" and sees 137; pip reports a child's as "exit code: -9"). The container keeps
//   running; `docker inspect` says OOMKilled=false until the container stops, then true: useless
//   for a `--rm` container.
// - The cgroup counts kills. Inside the container (v1 shows the container's own cgroup as the root):
//   `docker exec C cat /sys/fs/cgroup/memory/memory.oom_control` prints
//   "oom_kill_disable 0\nunder_oom 0\noom_kill N", N = kills so far. From the host:
//   /sys/fs/cgroup/memory/<cgroup parent>/<full container id>/memory.oom_control (parent `docker` on
//   the shared engine). On cgroup v2 (not on this host, untested) the counter is `oom_kill N` in
//   /sys/fs/cgroup/memory.events inside the container.
// - `docker events --filter container=C --filter event=oom` reports "oom" live (twice per kill here).
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { engineRequired } from "./engine.js";
import { fillDisk, makeLoopDisk } from "./loop-disk.js";
import {
  engineProcesses,
  FOLDER_PREFIX,
  removeLeftovers,
  sweepDeadRuns,
  writeOwner,
} from "./private-engine-leftovers.js";

export interface PrivateEngine {
  /** DOCKER_HOST value for the CLI and for `docker -H`. */
  host: string;
  /** Env to give the wheelwright CLI so it uses this engine (DOCKER_HOST, and anything else needed). */
  env: Record<string, string>;
  dataRoot: string;
  /** The run's folder: everything it made is in it or named after it. */
  folder: string;
  /** Kills dockerd (SIGKILL) and its containerd; containers die with it. */
  kill(): Promise<void>;
  /** Starts it again on the same data root (after kill), waiting until it answers. */
  restart(): Promise<void>;
  /** Fills its data root's filesystem so that less than `leaveBytes` remain (a file it can later remove). */
  fillDisk(leaveBytes: number): Promise<() => void>;
  /** Stops it and removes everything it made (mounts, folders, namespaces). Idempotent. */
  stop(): Promise<void>;
  /** The last lines of dockerd's log (all starts), for failure messages. */
  logTail(lines?: number): string;
}

const DOCKERD = "/usr/sbin/dockerd";
const DOCKER_INIT = "/usr/bin/docker-init";
/** Each tool this module runs, and the Debian package that has it. */
const TOOLS: Record<string, string> = {
  unshare: "util-linux",
  fallocate: "util-linux",
  mount: "mount",
  umount: "mount",
  losetup: "mount",
  "mkfs.ext4": "e2fsprogs",
  ip: "iproute2",
  truncate: "coreutils",
};
const ANSWER_DEADLINE_MS = 180_000;
const SOCKET_PATH_MAX = 107;

/** The reason private-engine tests cannot run here (not root); in CI that is a failure, not a skip. */
export function privateEngineSkipReason(): string | undefined {
  if (process.getuid?.() === 0) return undefined;
  const reason = "a private dockerd needs root (loop mount, namespaces, cgroups)";
  if (engineRequired) throw new Error(`The private-engine tests cannot run: ${reason}; CI requires them`);
  return reason;
}

function onPath(tool: string): boolean {
  const dirs = (process.env.PATH ?? "").split(":");
  return dirs.some((dir) => dir !== "" && existsSync(path.join(dir, tool)));
}

function checkHost(): void {
  if (process.getuid?.() !== 0) throw new Error("A private engine needs root: run the tests as root");
  const missing = Object.entries(TOOLS)
    .filter(([tool]) => !onPath(tool))
    .map(([tool, pkg]) => `${tool} (Debian: ${pkg}; searched PATH)`);
  for (const [file, pkg] of [
    [DOCKERD, "docker.io"],
    [DOCKER_INIT, "docker.io"],
  ] as const) {
    if (!existsSync(file)) missing.push(`${file} (Debian: ${pkg})`);
  }
  if (missing.length > 0) throw new Error(`A private engine needs: ${missing.join(", ")}`);
}

/**
 * Runs as the namespace's first process after docker-init: sets the namespace up, starts dockerd and
 * waits for it. dockerd also ends when the test process dies (SIGKILL included): its stdin pipe,
 * held by nothing else, then reads EOF. dockerd's end ends this script, docker-init, and with it the
 * pid namespace. `$1` is the exec root; the rest is dockerd's argv.
 */
const NAMESPACE_SCRIPT = `set -e
export PATH="$PATH:/usr/sbin:/sbin"
exec_root=$1; shift
ip link set lo up
mount -t tmpfs -o mode=755,size=64m wheelwright-run /run
mount -t tmpfs -o mode=711,size=64m wheelwright-exec "$exec_root"
exec 3<&0
"$@" </dev/null 3<&- &
dockerd=$!
{ read -r _ <&3 || true; kill -KILL "$dockerd" 2>/dev/null || true; } &
wait "$dockerd"
`;

class RunningPrivateEngine implements PrivateEngine {
  readonly host: string;
  readonly env: Record<string, string>;
  readonly dataRoot: string;
  private readonly disk: string;
  private readonly execRoot: string;
  private readonly logFile: string;
  private namespace: ChildProcess | undefined;
  private stopped = false;
  private fillers = 0;

  constructor(readonly folder: string) {
    this.host = `unix://${folder}/docker.sock`;
    this.env = { DOCKER_HOST: this.host };
    this.disk = path.join(folder, "disk");
    this.dataRoot = path.join(this.disk, "docker");
    this.execRoot = path.join(folder, "exec");
    this.logFile = path.join(folder, "dockerd.log");
  }

  /** Makes the data root's file system and the files dockerd reads, then starts it. */
  async start(dataRootBytes: number): Promise<void> {
    makeLoopDisk(path.join(this.folder, "disk.img"), dataRootBytes, this.disk);
    mkdirSync(this.dataRoot);
    mkdirSync(this.execRoot);
    writeFileSync(path.join(this.folder, "daemon.json"), "{}\n");
    await this.restart();
  }

  private dockerdArgv(): string[] {
    return [
      DOCKERD,
      `--config-file=${this.folder}/daemon.json`,
      `--data-root=${this.dataRoot}`,
      `--exec-root=${this.execRoot}`,
      `--pidfile=${this.execRoot}/dockerd.pid`,
      `--host=${this.host}`,
      `--cgroup-parent=/${path.basename(this.folder)}`,
      "--storage-driver=overlay2",
      "--bridge=none",
      "--iptables=false",
      "--ip-masq=false",
      "--ip-forward=false",
    ];
  }

  async restart(): Promise<void> {
    if (this.stopped) throw new Error(`The private engine in ${this.folder} was stopped`);
    if (this.namespace !== undefined) throw new Error("The private engine is running: kill() it first");
    const log = openSync(this.logFile, "a");
    const child = spawn(
      "unshare",
      ["--net", "--mount", "--pid", "--fork", "--mount-proc", "--propagation", "private", "--kill-child"]
        .concat(["--", DOCKER_INIT, "--", "/bin/sh", "-c", NAMESPACE_SCRIPT, "sh", this.execRoot])
        .concat(this.dockerdArgv()),
      { stdio: ["pipe", log, log] },
    );
    closeSync(log);
    let ended: string | undefined;
    child.once("error", (error) => {
      ended = error.message;
    });
    child.once("exit", (code, signal) => {
      ended = `exit ${code ?? signal}`;
    });
    child.stdin?.on("error", () => undefined);
    // Neither the process nor its pipe keeps the test process alive; stop() or the exit hook ends it.
    child.unref();
    (child.stdin as Socket | null)?.unref();
    this.namespace = child;
    await waitUntil(async () => ended !== undefined || (await answers(this.host)), ANSWER_DEADLINE_MS);
    if (ended !== undefined || !(await answers(this.host))) {
      this.namespace = undefined;
      throw new Error(
        `The private dockerd did not answer on ${this.host} (${ended ?? "timed out"}):\n${this.logTail()}`,
      );
    }
  }

  async kill(): Promise<void> {
    if (this.namespace === undefined) throw new Error("The private engine is not running");
    const processes = engineProcesses(this.folder);
    for (const program of ["dockerd", "docker-init"]) {
      const found = processes.find((p) => path.basename(p.argv[0] ?? "") === program);
      if (found !== undefined) signal(found.pid, "SIGKILL");
    }
    const gone = await waitUntil(async () => engineProcesses(this.folder).length === 0, 60_000);
    if (!gone) throw new Error(`The private engine's processes outlived SIGKILL: ${this.pids()}`);
    this.namespace = undefined;
  }

  async fillDisk(leaveBytes: number): Promise<() => void> {
    this.fillers += 1;
    return fillDisk(this.disk, leaveBytes, `filler-${this.fillers}`);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.namespace = undefined;
    try {
      removeLeftovers(this.folder);
    } finally {
      liveFolders.delete(this.folder);
    }
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  private pids(): string {
    return engineProcesses(this.folder)
      .map((p) => `${p.pid} ${p.argv[0]}`)
      .join(", ");
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // it ended already
  }
}

async function answers(host: string): Promise<boolean> {
  const result = await execa("docker", ["-H", host, "version", "--format", "{{.Server.Version}}"], {
    reject: false,
    timeout: 15_000,
  });
  return result.exitCode === 0;
}

/** Polls `done` every 200 ms until it holds (true) or `ms` pass (false). */
async function waitUntil(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return true;
}

/** Folders of this process's engines, removed by the exit hook when a test forgot stop(). */
const liveFolders = new Set<string>();
let exitHookInstalled = false;

function removeAtExit(folder: string): void {
  liveFolders.add(folder);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const live of liveFolders) {
      try {
        removeLeftovers(live);
      } catch (error) {
        console.error(String(error));
      }
    }
  });
}

/**
 * Starts a private dockerd named after the run (`name`: lowercase letters, digits, dashes) on a data
 * root of `dataRootBytes`, first removing what killed earlier runs left. Resolves once it answers.
 */
export async function startPrivateEngine(options: {
  dataRootBytes: number;
  name: string;
}): Promise<PrivateEngine> {
  checkHost();
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(options.name)) {
    throw new Error(`A private engine's name must be [a-z0-9-], at most 32 characters: ${options.name}`);
  }
  if (!(options.dataRootBytes >= 64 * 1024 * 1024)) throw new Error("dataRootBytes must be at least 64 MiB");
  sweepDeadRuns();
  const folder = path.join(tmpdir(), `${FOLDER_PREFIX}${options.name}-${process.pid}`);
  // containerd's longest socket lives in the exec root; unix socket paths have 108 bytes.
  if (`${folder}/exec/containerd/containerd.sock.ttrpc`.length > SOCKET_PATH_MAX) {
    throw new Error(`The private engine's folder ${folder} is too long for unix sockets: shorten TMPDIR`);
  }
  // The namespace mounts a tmpfs over /run: a folder under it would vanish for dockerd.
  if (folder.startsWith("/run/") || folder.startsWith("/var/run/")) {
    throw new Error(`The private engine's folder cannot be under /run (${folder}): set TMPDIR elsewhere`);
  }
  if (existsSync(folder)) throw new Error(`A private engine named ${options.name} already runs here`);
  mkdirSync(folder, { mode: 0o700 });
  writeOwner(folder);
  removeAtExit(folder);
  const engine = new RunningPrivateEngine(folder);
  try {
    await engine.start(options.dataRootBytes);
  } catch (error) {
    await engine.stop().catch(() => undefined);
    throw error;
  }
  return engine;
}

/** Copies an image from the shared engine into the private one: `docker save REF | docker -H ... load`. */
export async function loadImage(engine: PrivateEngine, reference: string): Promise<void> {
  const result = await execa(
    "bash",
    ["-c", 'set -o pipefail; docker save "$1" | docker -H "$2" load', "bash", reference, engine.host],
    { reject: false },
  );
  if (result.exitCode !== 0) {
    throw new Error(
      `Loading ${reference} into ${engine.host} failed (exit ${result.exitCode}): ${result.stderr}`,
    );
  }
  const idOn = async (args: string[]) =>
    String((await execa("docker", [...args, "image", "inspect", "--format", "{{.Id}}", reference])).stdout);
  const [shared, loaded] = await Promise.all([idOn([]), idOn(["-H", engine.host])]);
  if (shared !== loaded)
    throw new Error(`${reference} is ${shared} on the shared engine but ${loaded} after load`);
}
