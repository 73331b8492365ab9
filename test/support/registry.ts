// Debian's docker-registry, run with our own config on 127.0.0.1 (its packaged config listens on
// every interface), with or without htpasswd authentication; stopped by the test that started it.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { execaSync } from "execa";

export interface Registry {
  address: string;
  stop(): void;
}

async function waitForHttp(address: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://${address}/v2/`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`the registry on ${address} did not start`);
}

export async function startRegistry(
  port: number,
  auth?: { user: string; password: string },
): Promise<Registry> {
  const dir = mkdtempSync(path.join(tmpdir(), "wheelwright-registry-"));
  let config = `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`;
  if (auth !== undefined) {
    // bcrypt entries: the registry accepts no other htpasswd format.
    const line = String(execaSync("htpasswd", ["-Bbn", auth.user, auth.password]).stdout).trim();
    writeFileSync(path.join(dir, "htpasswd"), `${line}\n`);
    config += `auth:\n  htpasswd:\n    realm: wheelwright-test\n    path: ${dir}/htpasswd\n`;
  }
  writeFileSync(path.join(dir, "config.yml"), config);
  const child: ChildProcess = spawn("docker-registry", ["serve", path.join(dir, "config.yml")], {
    stdio: "ignore",
  });
  const address = `127.0.0.1:${port}`;
  await waitForHttp(address);
  return { address, stop: () => child.kill("SIGTERM") };
}

/** A "registry" that accepts connections and never answers. */
export async function startHungRegistry(port: number): Promise<{ address: string; stop(): void }> {
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${port}`,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
