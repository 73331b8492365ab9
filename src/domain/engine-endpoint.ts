// Where an engine runs, judged from the endpoint its client talks to. A local engine shares this
// machine's filesystem (a bind mount of a host folder shows that folder); a remote one does not:
// `ssh://` runs on another host, and a `tcp://` socket may be a forwarded port to any host, even
// on 127.0.0.1, so it is never assumed to share our files.

export type EngineLocation = "local" | "remote";
export type EndpointTransport = "unix" | "npipe" | "ssh" | "tcp" | "other";

export interface EngineEndpoint {
  /** As the client names it, e.g. `unix:///var/run/docker.sock` or `ssh://root@127.0.0.1:2222`. */
  url: string;
  transport: EndpointTransport;
  location: EngineLocation;
}

const TRANSPORTS: Record<string, EndpointTransport> = {
  unix: "unix",
  npipe: "npipe",
  ssh: "ssh",
  tcp: "tcp",
  http: "tcp",
  https: "tcp",
};

/** unix:// and npipe:// are this machine's; ssh://, tcp:// and anything unknown are remote. */
export function classifyEndpoint(url: string): EngineEndpoint {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url.trim())?.[1]?.toLowerCase();
  const transport = (scheme === undefined ? undefined : TRANSPORTS[scheme]) ?? "other";
  const location: EngineLocation = transport === "unix" || transport === "npipe" ? "local" : "remote";
  return { url, transport, location };
}

/** What `docker context inspect --format '{{json .}}'` says (the fields used). */
export interface ContextInspection {
  Name?: string;
  Endpoints?: { docker?: { Host?: string } };
}

/**
 * The endpoint and context the docker client resolves: the context it inspects (the one named by
 * --context or DOCKER_CONTEXT, or the current one; `default` stands for DOCKER_HOST or the socket).
 */
export function endpointOfContext(
  inspection: ContextInspection | undefined,
  dockerHost: string | undefined,
): { url: string; context: string | undefined } {
  const host = inspection?.Endpoints?.docker?.Host;
  const name = inspection?.Name;
  if (host !== undefined && host !== "")
    return { url: host, context: name === undefined || name === "default" ? undefined : name };
  return { url: dockerHost ?? "unix:///var/run/docker.sock", context: undefined };
}

/**
 * The environment every engine command runs with under `--context NAME`: DOCKER_CONTEXT names it
 * (podman reads CONTAINER_CONNECTION), and DOCKER_HOST goes, since it would win over
 * DOCKER_CONTEXT while `docker --context` wins over DOCKER_HOST.
 */
export function environmentForContext(
  env: Readonly<Record<string, string | undefined>>,
  context: string | undefined,
): Record<string, string | undefined> {
  if (context === undefined) return { ...env };
  const { DOCKER_HOST: _host, CONTAINER_HOST: _podmanHost, ...rest } = env;
  return { ...rest, DOCKER_CONTEXT: context, CONTAINER_CONNECTION: context };
}
