// A private OpenSSH server on 127.0.0.1 for the remote-engine tests: its own config, host key and
// authorized key in a temporary folder (never the system's sshd config or root's ~/.ssh), on a free
// port. The docker CLI reaches an `ssh://` DOCKER_HOST by running `ssh` from PATH with the URL's
// user, host and port, then `docker system dial-stdio` on the far side: `clientEnv` puts a `ssh`
// wrapper first on PATH that reads this server's client config (its key and known host) with -F.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { execa, execaSync, type ResultPromise } from "execa";

export const SSHD = "/usr/sbin/sshd";

export interface StartedSshd {
  port: number;
  /** `ssh://root@127.0.0.1:PORT`. */
  dockerHost: string;
  /** PATH with the ssh wrapper first: for every process that must reach the server. */
  clientEnv: Record<string, string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

function keyPair(file: string): void {
  execaSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "wheelwright-test", "-f", file]);
}

/** Waits until `ssh` logs in and runs a command (no fixed sleep: the server is up when it answers). */
async function waitForLogin(env: Record<string, string>, port: number, server: ResultPromise): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (server.exitCode !== null) throw new Error(`sshd exited: ${String((await server).stderr)}`);
    const probe = await execa("ssh", ["-p", String(port), "root@127.0.0.1", "true"], {
      env,
      reject: false,
      timeout: 10_000,
    });
    if (probe.exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("sshd did not accept a login");
}

export async function startSshd(parent: string): Promise<StartedSshd> {
  const dir = mkdtempSync(path.join(parent, "sshd-"));
  keyPair(path.join(dir, "host_key"));
  keyPair(path.join(dir, "user_key"));
  writeFileSync(path.join(dir, "authorized_keys"), readFileSync(path.join(dir, "user_key.pub")));
  const port = await freePort();
  writeFileSync(
    path.join(dir, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${dir}/host_key`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      `PidFile ${dir}/sshd.pid`,
      "UsePAM no",
      "StrictModes no",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      // The docker CLI opens one connection per command, several at once during a build.
      "MaxStartups 100",
      "MaxSessions 100",
      "",
    ].join("\n"),
  );
  const hostKey = readFileSync(path.join(dir, "host_key.pub"), "utf8").split(" ").slice(0, 2).join(" ");
  writeFileSync(path.join(dir, "known_hosts"), `[127.0.0.1]:${port} ${hostKey}\n`);
  writeFileSync(
    path.join(dir, "ssh_config"),
    [
      "Host 127.0.0.1",
      `  IdentityFile ${dir}/user_key`,
      "  IdentitiesOnly yes",
      `  UserKnownHostsFile ${dir}/known_hosts`,
      "  StrictHostKeyChecking yes",
      "  BatchMode yes",
      "",
    ].join("\n"),
  );
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(path.join(bin, "ssh"), `#!/bin/sh\nexec /usr/bin/ssh -F ${dir}/ssh_config "$@"\n`);
  chmodSync(path.join(bin, "ssh"), 0o755);
  // sshd's privilege separation folder (an empty folder; Debian makes it at boot when sshd runs).
  if (!existsSync("/run/sshd")) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  // -D: in the foreground, a child of the test, stopped by its pid; -e: its log on stderr.
  const server = execa(SSHD, ["-D", "-e", "-f", path.join(dir, "sshd_config")], { reject: false });
  const clientEnv = { PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}` };
  try {
    await waitForLogin(clientEnv, port, server);
  } catch (error) {
    server.kill("SIGTERM");
    await server;
    throw error;
  }
  return {
    port,
    dockerHost: `ssh://root@127.0.0.1:${port}`,
    clientEnv,
    async stop() {
      server.kill("SIGTERM");
      await server;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
