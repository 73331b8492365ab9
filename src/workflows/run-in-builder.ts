// `wheelwright build -- CMD...` (the seed's `make build cmd ...`): CMD in the builder with the source
// copied in and the same index settings (credentials in the builder's own netrc); its exit code is
// returned.
import type { LoadedProject } from "../config/load.js";
import { netrcText, separateCredentials } from "../domain/helper-request.js";
import { urlSecrets } from "../domain/index-settings.js";
import { InputError } from "../errors.js";
import { nonSourcePaths } from "../project/build-inputs.js";
import { resolveIndexSettings } from "../project/pip-config.js";
import { readSourceTree } from "../project/source-tree.js";
import { prepareBuilder } from "./builder.js";
import type { WorkflowContext } from "./context.js";

export async function runInBuilder(
  ctx: WorkflowContext,
  project: LoadedProject,
  command: readonly string[],
): Promise<number> {
  if (command.length === 0)
    throw new InputError("Nothing to run after `--` (e.g. `wheelwright build -- pip -V`)");
  const index = resolveIndexSettings(project.config, ctx.env);
  ctx.addSecrets(urlSecrets([index.indexUrl ?? "", ...index.extraIndexUrls, ...index.findLinks]));
  const { index: bare, netrc } = separateCredentials(index);
  const prepared = await prepareBuilder(
    ctx,
    { project, context: project.config.builderContext.value },
    index,
    ctx.newRunId(),
  );
  const sandbox = await prepared.startSandbox();
  try {
    const tree = readSourceTree(project.sourceDir, nonSourcePaths(project));
    await sandbox.putSource(
      tree.files.map((f) => f.path),
      tree.dir,
    );
    const netrcFile = netrcText(netrc);
    if (netrcFile !== "")
      await sandbox.putFiles(sandbox.paths.home, [{ name: ".netrc", content: netrcFile, mode: 0o600 }]);
    const env: Record<string, string> = { HOME: sandbox.paths.home, NETRC: `${sandbox.paths.home}/.netrc` };
    if (bare.indexUrl !== undefined) env.PIP_INDEX_URL = bare.indexUrl;
    if (bare.extraIndexUrls.length > 0) env.PIP_EXTRA_INDEX_URL = bare.extraIndexUrls.join(" ");
    const result = await sandbox.run([...command], {
      env,
      workdir: sandbox.paths.source,
      inheritStdio: true,
      signal: ctx.signal,
    });
    ctx.signal.throwIfAborted();
    return result.exitCode;
  } finally {
    await sandbox.close();
  }
}
