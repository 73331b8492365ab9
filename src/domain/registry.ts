// Which registry an image reference goes to, and what a registry's error output means.

/** The registry host of a repository (`127.0.0.1:5000/acme/app` -> `127.0.0.1:5000`), undefined for the engine's default. */
export function registryOf(repository: string): string | undefined {
  const first = repository.split("/")[0] ?? "";
  return repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")
    ? first
    : undefined;
}

/** Docker treats loopback registries as insecure (plain HTTP) without configuration. */
export function isLoopbackRegistry(registry: string | undefined): boolean {
  return registry !== undefined && /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(registry);
}

export type RegistryFailure = "not-logged-in" | "unauthorized" | "unreachable" | "timeout" | "other";

export function classifyRegistryFailure(output: string, timedOut: boolean): RegistryFailure {
  if (timedOut) return "timeout";
  if (/no basic auth credentials/i.test(output)) return "not-logged-in";
  if (/unauthorized|401|incorrect username or password|authentication required|denied/i.test(output))
    return "unauthorized";
  if (
    /connection refused|no such host|dial tcp|i\/o timeout|EOF|connection reset|server gave HTTP response/i.test(
      output,
    )
  )
    return "unreachable";
  return "other";
}

/** The digest `docker push` reports: `latest: digest: sha256:... size: 1234`. */
export function pushedDigest(output: string): string | undefined {
  return /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
}
