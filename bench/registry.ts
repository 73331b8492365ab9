// A registry for the benchmark's wheel-cache row: Debian's docker-registry on 127.0.0.1, on a port
// the system picks, its storage in the run's work folder (removed with it). The "second machine"
// row fills it once and then builds from cold against it.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";

export interface BenchRegistry {
  /** HOST:PORT on loopback. */
  address: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const ended = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export async function startBenchRegistry(work: string): Promise<BenchRegistry> {
  const dir = path.join(work, "registry");
  mkdirSync(dir, { recursive: true });
  const address = `127.0.0.1:${await freePort()}`;
  const config = path.join(dir, "config.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: ${address}\n`,
  );
  const child = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  child.on("error", (error) => {
    log += String(error);
  });
  // Wait on the condition (it answers HTTP), not a fixed time; give up when it has exited.
  for (;;) {
    if (ended(child)) throw new Error(`docker-registry on ${address} exited before it answered:\n${log}`);
    try {
      await fetch(`http://${address}/v2/`);
      break;
    } catch {
      await delay(100);
    }
  }
  return {
    address,
    stop: async () => {
      if (ended(child)) return;
      const exit = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exit;
    },
  };
}
