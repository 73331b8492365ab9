// The credentials the engine's own login keeps for a registry (the same ones `docker push` uses):
// `$DOCKER_CONFIG/config.json` (default ~/.docker): its `auths` entries (base64 `user:password`; an
// OAuth identity token is not supported yet), or a credential helper (`credHelpers` for this host,
// else `credsStore`) asked through `docker-credential-<name> get` with the host on stdin. Never in
// argv; every value found goes to the redactor before anything is printed.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ProcessRunner } from "../engine/process-runner.js";

export interface RegistryCredentials {
  username: string;
  password: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** The engine's config file: $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json. */
export function dockerConfigFile(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.DOCKER_CONFIG !== undefined && env.DOCKER_CONFIG !== "")
    return path.join(env.DOCKER_CONFIG, "config.json");
  return env.HOME === undefined ? undefined : path.join(env.HOME, ".docker", "config.json");
}

function readConfig(file: string | undefined): DockerConfig {
  if (file === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as DockerConfig) : {};
  } catch {
    return {};
  }
}

/** `auths` keys as docker writes them: the host, or an old-style URL (`https://host/v1/`). */
function authFor(config: DockerConfig, registry: string) {
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    const host = key.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
    if (host === registry) return entry;
  }
  return undefined;
}

function decodeAuth(auth: string): RegistryCredentials | undefined {
  const text = Buffer.from(auth, "base64").toString("utf8");
  const colon = text.indexOf(":");
  return colon <= 0 ? undefined : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** What the engine's login holds for `registry`, or undefined (then requests go anonymous). */
export async function findRegistryCredentials(
  registry: string,
  env: Readonly<Record<string, string | undefined>>,
  runner: ProcessRunner,
): Promise<RegistryCredentials | undefined> {
  const config = readConfig(dockerConfigFile(env));
  const helper = config.credHelpers?.[registry] ?? config.credsStore;
  if (helper !== undefined && /^[A-Za-z0-9._-]+$/.test(helper)) {
    const fromHelper = await askHelper(helper, registry, env, runner);
    if (fromHelper !== undefined) return fromHelper;
  }
  const entry = authFor(config, registry);
  if (entry === undefined) return undefined;
  if (entry.auth !== undefined && entry.auth !== "") return decodeAuth(entry.auth);
  if (entry.username !== undefined && entry.password !== undefined)
    return { username: entry.username, password: entry.password };
  return undefined;
}

/** `docker-credential-NAME get`, the host on stdin, `{"Username","Secret"}` on stdout. */
async function askHelper(
  name: string,
  registry: string,
  env: Readonly<Record<string, string | undefined>>,
  runner: ProcessRunner,
): Promise<RegistryCredentials | undefined> {
  try {
    const result = await runner.run([`docker-credential-${name}`, "get"], {
      input: registry,
      env: { ...env },
      timeoutMs: 30_000,
    });
    if (result.exitCode !== 0) return undefined;
    const parsed = JSON.parse(result.stdout) as { Username?: unknown; Secret?: unknown };
    if (typeof parsed.Username !== "string" || typeof parsed.Secret !== "string" || parsed.Secret === "")
      return undefined;
    return { username: parsed.Username, password: parsed.Secret };
  } catch {
    // A helper that is not installed, or says nothing we can read: no credentials from it.
    return undefined;
  }
}
