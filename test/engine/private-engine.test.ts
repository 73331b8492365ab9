// The private-engine harness (test/support/private-engine.ts) on the real host: it starts, answers,
// loads an image, survives kill() + restart(), fills its disk, limits memory, and stop() leaves
// nothing behind; the shared engine answers, runs the same process and keeps the host's network
// links unchanged throughout. Also pins the docker CLI's fault strings the module's table records.
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa, execaSync } from "execa";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { engineOrSkip } from "../support/engine.js";
import { freeBytes } from "../support/loop-disk.js";
import {
  loadImage,
  type PrivateEngine,
  privateEngineSkipReason,
  startPrivateEngine,
} from "../support/private-engine.js";
import {
  cgroupsNamed,
  engineProcesses,
  FOLDER_PREFIX,
  loopDevicesOf,
  mountsUnder,
  processesMentioning,
  startTime,
} from "../support/private-engine-leftovers.js";

const MiB = 1024 * 1024;
const IMAGE = "debian:bookworm-slim";
const skipReason = privateEngineSkipReason();
const skip = engineOrSkip() || skipReason !== undefined;

const docker = (engine: PrivateEngine | undefined, args: string[]) =>
  execa("docker", engine === undefined ? args : ["-H", engine.host, ...args], { reject: false });

/** The shared daemon's processes (pid and start time): a restart would change them. */
function sharedDaemons(): string[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        const ours = argv.some((arg) => arg.includes(FOLDER_PREFIX));
        return path.basename(argv[0] ?? "") === "dockerd" && !ours
          ? [`${pid}@${startTime(Number(pid))}`]
          : [];
      } catch {
        return [];
      }
    })
    .sort();
}

/** The host network namespace's links, by name: dockerd in the host namespace would change them. */
const hostLinks = () =>
  String(execaSync("ip", ["-o", "link", "show"]).stdout)
    .split("\n")
    .map((line) => line.split(":")[1]?.trim())
    .sort();

const netnsList = () => String(execaSync("ip", ["netns", "list"]).stdout);

/** Processes (other than zombies) whose network namespace is `netns`. */
function processesInNetns(netns: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/ns/net`) === netns;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function dockerdOf(engine: PrivateEngine): number {
  const found = engineProcesses(engine.folder).find((p) => path.basename(p.argv[0] ?? "") === "dockerd");
  if (found === undefined) throw new Error(`no dockerd runs for ${engine.folder}`);
  return found.pid;
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(skip)(`private engine${skipReason === undefined ? "" : ` (skipped: ${skipReason})`}`, () => {
  let sharedBefore: string[];
  let linksBefore: (string | undefined)[];
  let netnsBefore: string;

  beforeAll(() => {
    sharedBefore = sharedDaemons();
    linksBefore = hostLinks();
    netnsBefore = netnsList();
    expect(sharedBefore.length).toBeGreaterThan(0);
  });

  afterEach(async () => {
    expect((await docker(undefined, ["version", "--format", "{{.Server.Version}}"])).exitCode).toBe(0);
    expect((await docker(undefined, ["ps"])).exitCode).toBe(0);
    expect(sharedDaemons()).toEqual(sharedBefore);
    expect(hostLinks()).toEqual(linksBefore);
    expect(netnsList()).toEqual(netnsBefore);
  });

  describe("one engine through its life", () => {
    let engine: PrivateEngine;
    const name = (what: string) => `pe-${what}-${process.pid}`;

    beforeAll(async () => {
      engine = await startPrivateEngine({ name: "harness", dataRootBytes: 512 * MiB });
    });
    afterAll(async () => {
      await engine?.stop();
    });

    it("answers on its own socket, data root file system and namespaces", async () => {
      const info = await docker(engine, ["info", "--format", "{{.DockerRootDir}}|{{.Driver}}"]);
      expect(info.stdout).toBe(`${engine.dataRoot}|overlay2`);
      const disk = path.dirname(engine.dataRoot);
      expect(mountsUnder(engine.folder)).toEqual([disk]);
      const mount = readFileSync("/proc/mounts", "utf8")
        .split("\n")
        .find((line) => line.split(" ")[1] === disk);
      expect(mount).toMatch(/^\/dev\/loop\d+ \S+ ext4 /);
      expect(freeBytes(disk)).toBeLessThan(512 * MiB);
      const dockerd = dockerdOf(engine);
      for (const ns of ["net", "mnt", "pid"]) {
        expect(readlinkSync(`/proc/${dockerd}/ns/${ns}`)).not.toBe(readlinkSync(`/proc/self/ns/${ns}`));
      }
      expect(engine.env).toEqual({ DOCKER_HOST: engine.host });
    });

    it("loads an image from the shared engine and runs containers in its loopback-only namespace", async () => {
      await loadImage(engine, IMAGE);
      const none = await docker(engine, [
        "run",
        "--name",
        name("probe"),
        "--network",
        "none",
        IMAGE,
        "ls",
        "/sys/class/net",
      ]);
      expect(none.exitCode, none.stderr).toBe(0);
      expect(none.stdout.split("\n")).toEqual(["lo"]);
      // The shared engine does not see the private one's containers.
      expect((await docker(undefined, ["ps", "-aq", "--filter", `name=^${name("probe")}$`])).stdout).toBe("");
      expect((await docker(engine, ["rm", name("probe")])).exitCode).toBe(0);
      // "host" is the private namespace: only its loopback, none of the host's links.
      const host = await docker(engine, ["run", "--rm", "--network", "host", IMAGE, "ls", "/sys/class/net"]);
      expect(host.stdout.split("\n")).toEqual(["lo"]);
    });

    it("kill(): running clients fail the way the table says; restart(): the image is still there", async () => {
      const keep = name("keep");
      const keepalive = execa(
        "docker",
        ["-H", engine.host, "run", "-i", "--rm", "--name", keep, "--network", "none", IMAGE, "cat"],
        { reject: false },
      );
      await waitFor(
        async () => (await docker(engine, ["inspect", "-f", "{{.State.Running}}", keep])).stdout === "true",
        "the keepalive container",
      );
      const exec = execa(
        "docker",
        ["-H", engine.host, "exec", keep, "sh", "-c", "echo exec-started; exec sleep 600"],
        {
          reject: false,
        },
      );
      let execOutput = "";
      exec.stdout?.on("data", (chunk: Buffer) => {
        execOutput += String(chunk);
      });
      await waitFor(() => execOutput.includes("exec-started"), "the exec'd process");

      await engine.kill();
      expect(engineProcesses(engine.folder)).toEqual([]);
      const [run, execd] = await Promise.all([keepalive, exec]);
      expect(execd.exitCode).toBe(255);
      expect(execd.stderr).toBe("");
      expect(run.exitCode).toBe(125);
      expect(run.stderr).toMatch(/error waiting for container: unexpected EOF/);
      const down = await docker(engine, ["version"]);
      expect(down.exitCode).toBe(1);
      expect(down.stderr).toContain(
        `Cannot connect to the Docker daemon at ${engine.host}. Is the docker daemon running?`,
      );

      await engine.restart();
      expect((await docker(engine, ["image", "inspect", IMAGE])).exitCode).toBe(0);
      expect((await docker(engine, ["ps", "-aq", "--filter", `name=^${keep}$`])).stdout).toBe("");
      const again = await docker(engine, [
        "run",
        "--rm",
        "--network",
        "none",
        IMAGE,
        "echo",
        "after-restart",
      ]);
      expect(again.stdout).toBe("after-restart");
    });

    it("fillDisk(): writes in a container and docker cp fail with ENOSPC until the filler goes", async () => {
      const full = name("full");
      expect(
        (await docker(engine, ["run", "-d", "-i", "--name", full, "--network", "none", IMAGE, "cat"]))
          .exitCode,
      ).toBe(0);
      const payload = path.join(tmpdir(), `${full}.bin`);
      writeFileSync(payload, Buffer.alloc(32 * MiB, 1));
      const disk = path.dirname(engine.dataRoot);
      const release = await engine.fillDisk(8 * MiB);
      try {
        expect(freeBytes(disk)).toBeLessThan(8 * MiB);
        const write = ["dd", "if=/dev/zero", "of=/var/tmp/big", "bs=1M", "count=16"];
        const inRun = await docker(engine, ["run", "--rm", "--network", "none", IMAGE, ...write]);
        expect(inRun.exitCode).toBe(1);
        expect(inRun.stderr).toContain("dd: error writing '/var/tmp/big': No space left on device");
        const inExec = await docker(engine, ["exec", full, ...write]);
        expect(inExec.exitCode).toBe(1);
        expect(inExec.stderr).toContain("No space left on device");
        const copy = await docker(engine, ["cp", payload, `${full}:/tmp/`]);
        expect(copy.exitCode).toBe(1);
        expect(copy.stderr).toContain(
          `Error processing tar file(exit status 1): write /tmp/${path.basename(payload)}: no space left on device`,
        );
      } finally {
        release();
        rmSync(payload, { force: true });
      }
      expect(freeBytes(disk)).toBeGreaterThan(64 * MiB);
      const after = await docker(engine, [
        "exec",
        full,
        "dd",
        "if=/dev/zero",
        "of=/var/tmp/big",
        "bs=1M",
        "count=16",
      ]);
      expect(after.exitCode, after.stderr).toBe(0);
      expect((await docker(engine, ["rm", "-f", full])).exitCode).toBe(0);
    });

    it("a container over --memory 64m is OOM-killed on both engines, and its cgroup counts the kill", async () => {
      // cgroup v1 (this host): memory.oom_control inside the container; v2: memory.events.
      const counter =
        "cat /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null || cat /sys/fs/cgroup/memory.events";
      const hog = ["dd", "if=/dev/zero", "of=/dev/null", "bs=256M", "count=1"];
      for (const target of [undefined, engine]) {
        const main = name("oom");
        const killed = await docker(target, [
          "run",
          "--name",
          main,
          "--network",
          "none",
          "--memory",
          "64m",
          IMAGE,
          ...hog,
        ]);
        expect(killed.exitCode).toBe(137);
        const state = await docker(target, [
          "inspect",
          "-f",
          "{{.State.OOMKilled}} {{.State.ExitCode}}",
          main,
        ]);
        expect(state.stdout).toBe("true 137");
        expect((await docker(target, ["rm", main])).exitCode).toBe(0);

        const child = await docker(target, [
          ...["run", "--rm", "--network", "none", "--memory", "64m", IMAGE, "sh", "-c"],
          `${hog.join(" ")}; echo "hog exit $?"; ${counter}`,
        ]);
        expect(child.exitCode, child.stderr).toBe(0);
        expect(child.stdout).toContain("hog exit 137");
        expect(child.stdout).toMatch(/^oom_kill [1-9]/m);
      }
    });
  });

  describe("clean-up", () => {
    it("stop() leaves no mount, folder, process, namespace, loop device or cgroup, even with a container up", async () => {
      const engine = await startPrivateEngine({ name: "stop-check", dataRootBytes: 512 * MiB });
      let stopped = false;
      try {
        await loadImage(engine, IMAGE);
        const up = await docker(engine, ["run", "-d", "--network", "none", IMAGE, "sleep", "600"]);
        expect(up.exitCode, up.stderr).toBe(0);
        const dockerd = dockerdOf(engine);
        const dockerdStart = startTime(dockerd);
        const netns = readlinkSync(`/proc/${dockerd}/ns/net`);
        const image = path.join(engine.folder, "disk.img");
        const cgroup = path.basename(engine.folder);
        expect(loopDevicesOf(image)).toHaveLength(1);
        expect(cgroupsNamed(cgroup).length).toBeGreaterThan(0);
        expect(processesInNetns(netns).length).toBeGreaterThan(0);

        await engine.stop();
        stopped = true;
        expect(mountsUnder(engine.folder)).toEqual([]);
        expect(readFileSync("/proc/mounts", "utf8")).not.toContain(engine.folder);
        expect(existsSync(engine.folder)).toBe(false);
        expect(processesMentioning(engine.folder)).toEqual([]);
        expect(startTime(dockerd)).not.toBe(dockerdStart);
        expect(processesInNetns(netns)).toEqual([]);
        expect(String(execaSync("losetup", ["-a"]).stdout)).not.toContain(engine.folder);
        expect(cgroupsNamed(cgroup)).toEqual([]);
        await engine.stop();
      } finally {
        if (!stopped) await engine.stop();
      }
    });

    it("a later start removes what a run whose owner died left", async () => {
      const orphan = await startPrivateEngine({ name: "orphan", dataRootBytes: 128 * MiB });
      const dockerd = dockerdOf(orphan);
      const dockerdStart = startTime(dockerd);
      // As if its owner had been SIGKILLed: the owner file no longer names a live process.
      writeFileSync(path.join(orphan.folder, "owner"), `${process.pid} 0\n`);
      const later = await startPrivateEngine({ name: "sweeper", dataRootBytes: 128 * MiB });
      try {
        expect(existsSync(orphan.folder)).toBe(false);
        expect(startTime(dockerd)).not.toBe(dockerdStart);
        expect(processesMentioning(orphan.folder)).toEqual([]);
        expect(mountsUnder(orphan.folder)).toEqual([]);
        expect(cgroupsNamed(path.basename(orphan.folder))).toEqual([]);
        // The live run is untouched.
        expect((await docker(later, ["version"])).exitCode).toBe(0);
      } finally {
        await later.stop();
        await orphan.stop();
      }
    });
  });
});
