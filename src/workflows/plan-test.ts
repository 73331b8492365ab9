// `wheelwright test --dry-run`: the test set, the wheels installed, and the builder session's exact
// command lines (prepare as root, the tests as the app user). Nothing is started.
import type { LoadedProject } from "../config/load.js";
import { setLabel } from "../domain/test-set.js";
import type { ContainerEngine } from "../engine/engine.js";
import { BUILDER_PATHS, builderSessionSteps } from "../plan/builder-container.js";
import type { PrintablePlan } from "../plan/plan.js";
import { resolveIndexSettings } from "../project/pip-config.js";
import { binaryFor } from "./build-images.js";
import { builderImageFor, builderSpecFor, cacheVolumeMissing, imageVolumesOf } from "./builder.js";
import type { WorkflowContext } from "./context.js";
import { folderCopyStepsFor, withFolderCopies } from "./index-delivery.js";
import { planFor, type TestRequest, testInputs } from "./run-tests.js";

export async function planTests(
  ctx: WorkflowContext,
  project: LoadedProject,
  request: TestRequest,
): Promise<PrintablePlan> {
  const { set, manifest, context } = await testInputs(ctx, project);
  const plan = await planFor(project, manifest, set, request, { paths: BUILDER_PATHS });
  const detection = await ctx.detectEngine(project.config.engine.value);
  const engine: ContainerEngine | undefined = detection.kind === "container" ? detection.engine : undefined;
  const { image } = await builderImageFor(ctx, { project, context }, engine);
  const index = resolveIndexSettings(project.config, ctx.env);
  const capabilities = detection.kind === "container" ? detection.capabilities : undefined;
  const volumes = await imageVolumesOf(engine, image);
  const runId = ctx.newRunId();
  const spec = builderSpecFor(project, image, index, runId, volumes, undefined, capabilities?.location);
  const binary = binaryFor(project.config.engine.value, engine);
  const steps = builderSessionSteps(binary, spec, {
    cacheVolumeMissing: await cacheVolumeMissing(engine, spec),
    // One copy into the folder they are all in (container-sandbox.ts putInputs).
    copiesIn: [
      {
        dir: BUILDER_PATHS.root,
        what: `the helper and the test check (wheelwright_testcheck), the source and the wheelhouse (${manifest.wheels.length} wheels)`,
      },
    ],
    execs: [
      {
        id: "prepare",
        title: "install the app and its test set from the wheelhouse alone (as root)",
        spec: { container: spec.name, ...plan.prepare },
      },
      {
        id: "tests",
        title: `run the tests as user ${plan.run.user}`,
        spec: { container: spec.name, ...plan.run },
      },
    ],
    ...(request.junitXml === undefined
      ? {}
      : { copyOut: { from: BUILDER_PATHS.out, what: "the JUnit report" } }),
  });
  return {
    version: 1,
    command: "test",
    decision: `test ${manifest.app.name}${set === undefined ? " (no test set)" : ` with ${setLabel(set)} (${set.why})`}: ${plan.testLine}`,
    warnings: [],
    steps: withFolderCopies(
      steps,
      folderCopyStepsFor(
        project,
        index,
        detection.kind === "container" ? detection.capabilities : undefined,
        binary,
        spec.name,
      ),
    ),
  };
}
