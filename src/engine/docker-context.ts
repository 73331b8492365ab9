// Which context the docker client resolves, asked of the client itself: it knows its own
// precedence (`--context`, else DOCKER_HOST, else DOCKER_CONTEXT, else the current context of its
// config; wheelwright's `--context` reaches it as DOCKER_CONTEXT without DOCKER_HOST).
import { type ContextInspection, classifyEndpoint, endpointOfContext } from "../domain/engine-endpoint.js";
import type { EngineCapabilities } from "./engine.js";
import type { RunResult } from "./process-runner.js";

/** `docker context inspect` of the resolved context; undefined when the client cannot say (no context support). */
export async function inspectDockerContext(
  cli: (args: string[]) => Promise<RunResult>,
): Promise<ContextInspection | undefined> {
  const result = await cli(["context", "inspect", "--format", "{{json .}}"]);
  if (result.exitCode !== 0) return undefined;
  try {
    return JSON.parse(result.stdout) as ContextInspection;
  } catch {
    return undefined;
  }
}

/** Where the client's engine answers, whether that host shares our files, and the context that named it. */
export async function dockerEndpoint(
  cli: (args: string[]) => Promise<RunResult>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Pick<EngineCapabilities, "endpoint" | "location" | "context">> {
  const { url, context } = endpointOfContext(await inspectDockerContext(cli), env.DOCKER_HOST);
  return {
    endpoint: url,
    location: classifyEndpoint(url).location,
    ...(context === undefined ? {} : { context }),
  };
}
