// Why a helper run failed, told from the real signals: wheelwright's own interruption, the timeout,
// the engine gone, the builder's memory cgroup counting a kill, a full disk in the builder's output;
// otherwise the helper's own error event. Never a guess.
import { engineOutOfSpace, engineStopped } from "../engine/engine-errors.js";
import { ResourceError, type WheelwrightError } from "../errors.js";
import { helperError } from "./helper-result.js";
import type { HelperRunResult } from "./run-helper.js";
import type { BuildSandbox } from "./sandbox.js";

const NO_SPACE = /no space left on device|\[Errno 28\]|ENOSPC|disk quota exceeded/i;

export interface FailureContext {
  sandbox: BuildSandbox;
  signal: AbortSignal;
  timeoutSeconds: number;
  /** The configured `memory` limit, if any. */
  memory: string | undefined;
  /** Whether the builder is a container (its disk is the engine's) or the local engine (the host's). */
  container: boolean;
  /** The lock file the build installs (relative to the source), when one is in use. */
  lock?: string | undefined;
}

export async function explainHelperFailure(
  result: HelperRunResult,
  context: FailureContext,
): Promise<WheelwrightError> {
  context.signal.throwIfAborted();
  if (result.timedOut) {
    return new ResourceError(
      `The build took longer than its timeout of ${context.timeoutSeconds} s and was stopped`,
      {
        hint: "Raise `timeout` in the config if the build is just slow.",
      },
    );
  }
  if (!(await context.sandbox.engineAnswers()))
    return engineStopped("built the wheelhouse", result.output.join("\n"));
  // The memory cgroup counts every OOM kill in the builder. Any kill means the build ran out of
  // memory, whichever process the kernel chose (pip's build-dependency subprocess, say, whose -9 the
  // helper sees only as pip's failure) and whatever exit code the helper then reported.
  if (((await context.sandbox.oomKills()) ?? 0) > 0) {
    const what = result.error?.package ?? result.lastPackage;
    return new ResourceError(
      `The builder ran out of memory${what === undefined ? "" : ` while building ${String(what)}`} and was killed (limit: ${context.memory ?? "the engine's"})`,
      {
        details: result.output.slice(-5),
        hint: 'Raise the `memory` config key (e.g. `memory = "8g"`), or give the engine more memory.',
      },
    );
  }
  const tail = result.output.slice(-40).join("\n");
  if (NO_SPACE.test(tail) || NO_SPACE.test(JSON.stringify(result.error?.tail ?? ""))) {
    return context.container
      ? engineOutOfSpace("give the builder room for the build", tail)
      : new ResourceError("The disk under the local engine's temporary folder is full", {
          details: result.output.slice(-5),
          hint: "Free space in the temporary folder (TMPDIR) and the cache folder, then run the build again.",
        });
  }
  return helperError(result.exitCode, result.error, result.output, { lock: context.lock });
}
