// Debian's docker-registry, run with our own config on 127.0.0.1 (its packaged config listens on
// every interface), with or without htpasswd authentication, on a port the system picks (another
// run on this machine may hold any fixed one); stopped by the test that started it.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import path from "node:path";
import { execaSync } from "execa";
import { testRun } from "./test-run.js";

export interface Registry {
  address: string;
  stop(): Promise<void>;
  /** The registry's storage root (a test may damage a blob there); undefined for a hung one. */
  storage?: string;
}

export interface RegistryOptions {
  /** Let clients delete manifests (registry 2.8 answers 405 otherwise). */
  deleteEnabled?: boolean;
}

/** A port nothing listens on now (the system's pick, released at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once the registry answers HTTP; rejects when its process ended first. */
async function waitForHttp(address: string, child: ChildProcess, log: () => string): Promise<void> {
  while (child.exitCode === null && child.signalCode === null) {
    try {
      await fetch(`http://${address}/v2/`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`the registry on ${address} exited before it answered:\n${log()}`);
}

async function startOn(
  port: number,
  dir: string,
  auth?: { user: string; password: string },
  options: RegistryOptions = {},
) {
  const deletion = options.deleteEnabled === true ? "  delete:\n    enabled: true\n" : "";
  let config = `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n${deletion}http:\n  addr: 127.0.0.1:${port}\n`;
  if (auth !== undefined) {
    // bcrypt entries: the registry accepts no other htpasswd format.
    const line = String(execaSync("htpasswd", ["-Bbn", auth.user, auth.password]).stdout).trim();
    writeFileSync(path.join(dir, "htpasswd"), `${line}\n`);
    config += `auth:\n  htpasswd:\n    realm: wheelwright-test\n    path: ${dir}/htpasswd\n`;
  }
  writeFileSync(path.join(dir, "config.yml"), config);
  const child = spawn("docker-registry", ["serve", path.join(dir, "config.yml")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  const address = `127.0.0.1:${port}`;
  await waitForHttp(address, child, () => log);
  return {
    address,
    storage: path.join(dir, "data"),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function startRegistry(
  auth?: { user: string; password: string },
  options: RegistryOptions = {},
): Promise<Registry> {
  const dir = mkdtempSync(path.join(testRun().tempRoot, "registry-"));
  // The port may be taken between the pick and the registry's bind: then pick again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freePort(), dir, auth, options);
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** A "registry" that accepts connections and never answers. */
export async function startHungRegistry(): Promise<Registry> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
