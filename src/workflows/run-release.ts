// `wheelwright run [--] [CMD...]`, the seed's `make run`: a command (or, with none, the image's own
// CMD) in this commit's release image. The container is removed afterwards (--rm), signals reach the
// command (--init, the client's signal proxy), and its exit code becomes wheelwright's.
import type { LoadedProject } from "../config/load.js";
import { LABEL_PROJECT, LABEL_RUN, projectId } from "../domain/labels.js";
import type { ContainerEngine } from "../engine/engine.js";
import { InputError } from "../errors.js";
import type { WorkflowContext } from "./context.js";
import { releaseImageOfThisCommit } from "./release-reference.js";

export async function runInRelease(
  ctx: WorkflowContext,
  project: LoadedProject,
  command: readonly string[],
  engine: ContainerEngine,
): Promise<number> {
  const { namespace, app } = project.config;
  const { image } = await releaseImageOfThisCommit(ctx, project);
  const info = await engine.inspectImage(image);
  if (info === undefined) {
    throw new InputError(`There is no release image ${image} for this commit`, {
      hint: "Run `wheelwright build` and `wheelwright release` first.",
    });
  }
  if (command.length === 0 && !info.hasCommand) {
    // The engine would say "No command specified" and exit 125, as if it had failed.
    throw new InputError(`The release image ${image} has no CMD, and no command was given`, {
      hint: "Give one (`wheelwright run -- python -m yourapp`), or add a CMD to the release Dockerfile (a library may have none).",
    });
  }
  const runId = ctx.newRunId();
  const result = await engine
    .runOnce(
      {
        image,
        argv: command,
        labels: { [LABEL_PROJECT]: projectId(namespace.value, app.value), [LABEL_RUN]: runId },
        network: project.config.network.value,
        interactive: true,
      },
      { inheritStdio: true, signal: ctx.signal },
    )
    // `docker run --rm` may return before the daemon has removed the container: make sure it is gone.
    .finally(async () => engine.removeContainers(await engine.listContainers([`${LABEL_RUN}=${runId}`])));
  ctx.signal.throwIfAborted();
  // 126/127 (and what else the engine uses for it): the command may not have started. Tell a
  // missing command from one that failed.
  const notStarted = engine.notStartedExitCodes ?? [126, 127];
  if (command.length > 0 && notStarted.includes(result.exitCode)) {
    const probe = await engine.runOnce({
      image,
      argv: ["-c", 'command -v "$0" >/dev/null', command[0]!],
      entrypoint: "sh",
      labels: {},
      network: "none",
    });
    if (probe.exitCode !== 0) {
      throw new InputError(`'${command[0]}' is not a command in the release image ${image}`, {
        hint: "Check the command's name, or that the release image installs it (its PATH is the image's).",
      });
    }
  }
  return result.exitCode;
}
