// What the engine's CLI says when it fails, turned into typed errors with a hint each: not running,
// not permitted, not installed, stopped answering mid-run, out of disk.
import { EngineFailureError, EngineUnavailableError, ResourceError } from "../errors.js";

export const PROBE_TIMEOUT_MS = 10_000;

export function tail(text: string, lines = 25): string[] {
  return text.trimEnd().split("\n").slice(-lines);
}

/** Tells "not running" from "not permitted" from "not installed", each with its own hint. */
export function engineUnavailable(
  binary: string,
  stderr: string,
  timedOut: boolean,
  env: Readonly<Record<string, string | undefined>>,
): EngineUnavailableError {
  const where =
    env.DOCKER_HOST ??
    (env.DOCKER_CONTEXT === undefined ? "the local socket" : `context ${env.DOCKER_CONTEXT}`);
  if (timedOut) {
    return new EngineUnavailableError(
      `The ${binary} engine at ${where} did not answer within ${PROBE_TIMEOUT_MS / 1000} s`,
      { hint: "Check that the daemon is running and reachable, or set DOCKER_HOST." },
    );
  }
  if (/permission denied/i.test(stderr)) {
    return new EngineUnavailableError(`Permission denied on the ${binary} engine's socket (${where})`, {
      details: tail(stderr, 3),
      hint: "Add your user to the `docker` group (then log in again), or use a rootless engine.",
    });
  }
  const missingContext = /context "([^"]+)"[^\n]*not found/i.exec(stderr);
  if (missingContext !== null) {
    return new EngineUnavailableError(`The docker context ${missingContext[1]} does not exist`, {
      details: tail(stderr, 3),
      hint: "`docker context ls` lists the contexts; make one with `docker context create NAME --docker host=ssh://user@host`, or drop --context (DOCKER_CONTEXT).",
    });
  }
  if (
    /ENOENT|not found|No such file or directory.*\b(docker|podman)\b/i.test(stderr) &&
    !/socket|daemon/i.test(stderr)
  ) {
    return new EngineUnavailableError(`The ${binary} command is not installed`, {
      hint: "Install Docker or Podman, or use `--engine local` to build in a virtual environment on this machine.",
    });
  }
  return new EngineUnavailableError(`The ${binary} engine is not running (${where})`, {
    details: tail(stderr, 3),
    hint: "Start the daemon (e.g. `sudo dockerd --bridge=none --iptables=false &`, see the README), or use `--engine local`.",
  });
}

/** The engine ran out of disk in its own storage (its data root), as the CLI reports it. */
export const ENGINE_NO_SPACE = /no space left on device|ENOSPC|disk quota exceeded/i;

/** An engine operation failed: out of disk is exit 11 (which disk: the engine's), anything else exit 4. */
export function engineFailure(what: string, stderr: string): EngineFailureError | ResourceError {
  if (ENGINE_NO_SPACE.test(stderr)) return engineOutOfSpace(what, stderr);
  return new EngineFailureError(`The engine failed to ${what}`, { details: tail(stderr, 10) });
}

export function engineOutOfSpace(what: string, output: string): ResourceError {
  return new ResourceError(`The engine's disk is full: it could not ${what}`, {
    details: tail(output, 5),
    hint: "Free space where the engine keeps its images and containers (its data root, `docker info` shows it: `docker system prune` removes unused data), then run the same command again.",
  });
}

/** The engine answered earlier in this run and does not now: dockerd was stopped or killed. */
export function engineStopped(what: string, output: string): EngineUnavailableError {
  return new EngineUnavailableError(`The engine stopped answering while wheelwright ${what}`, {
    details: tail(output, 5),
    hint: "The container engine's daemon went away (stopped, killed or restarted). Start it again, then run the same command: the previous wheelhouse was left as it was.",
  });
}
