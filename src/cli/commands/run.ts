// `wheelwright run [--] CMD...`, the seed's `make run`: a command in the release image of this
// commit. The container is removed afterwards (--rm), signals reach the command (--init, the docker
// client's signal proxy), and its exit code becomes wheelwright's.
import { LABEL_PROJECT, LABEL_RUN, projectId } from "../../domain/labels.js";
import { requireContainerEngine } from "../../engine/detect.js";
import { InputError, UsageError } from "../../errors.js";
import { newRunId } from "../../execute/wheelhouse.js";
import { releaseImageOfThisCommit } from "../release-image.js";
import { detectSessionEngine, loadSessionProject, type Session } from "../session.js";

export async function runCommand(session: Session, command: string[]): Promise<void> {
  if (command.length === 0) throw new UsageError("Nothing to run: `wheelwright run -- CMD [ARGS...]`");
  const project = loadSessionProject(session);
  const { namespace, app } = project.config;
  const { image } = await releaseImageOfThisCommit(session, project);
  const { engine } = requireContainerEngine(await detectSessionEngine(session, project), "run");
  if ((await engine.inspectImage(image)) === undefined) {
    throw new InputError(`There is no release image ${image} for this commit`, {
      hint: "Run `wheelwright build` and `wheelwright release` first.",
    });
  }
  const runId = newRunId();
  const result = await engine
    .runOnce({
      image,
      argv: command,
      labels: { [LABEL_PROJECT]: projectId(namespace.value, app.value), [LABEL_RUN]: runId },
      network: project.config.network.value,
      inheritStdio: true,
      signal: session.signal,
    })
    // `docker run --rm` may return before the daemon has removed the container: make sure it is gone.
    .finally(async () => engine.removeContainers(await engine.listContainers([`${LABEL_RUN}=${runId}`])));
  // 126/127: docker could not start the command. Tell a missing command from one that failed.
  if (result.exitCode === 127 || result.exitCode === 126) {
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
  session.exitCode = result.exitCode;
}
