// `wheelwright build --dry-run`: the decision (up to date, restore, app only, full, and why) and, when
// a build would run, the builder session's exact command lines (the same specs the build runs with:
// with WHEELWRIGHT_RUN_ID fixed, the same container name too). Nothing is locked, built or written.
import type { LoadedProject } from "../config/load.js";
import type { ContainerEngine } from "../engine/engine.js";
import { BUILDER_PATHS } from "../plan/builder-container.js";
import { helperSessionSteps } from "../plan/helper-session.js";
import type { PrintablePlan, PrintableStep } from "../plan/plan.js";
import { readScmVersion } from "../project/scm-version.js";
import {
  type BuildFacts,
  type BuildWheelhouseRequest,
  type Decision,
  decideBuild,
  gatherBuildFacts,
  helperFor,
  precheck,
} from "./build-decision.js";
import { binaryFor } from "./build-images.js";
import { builderImageFor, builderSpecFor, cacheVolumeMissing, imageVolumesOf } from "./builder.js";
import { lookupTag } from "./cache-restore.js";
import type { WorkflowContext } from "./context.js";
import { folderCopyStepsFor, withFolderCopies } from "./index-delivery.js";
import { cacheRefOf, pushesToCache } from "./wheel-cache.js";

export async function planWheelhouseBuild(
  ctx: WorkflowContext,
  project: LoadedProject,
  request: BuildWheelhouseRequest,
): Promise<PrintablePlan> {
  precheck(project, request);
  const facts = await gatherBuildFacts(ctx, project, request);
  const decision = decideBuild(project, request, facts, facts.expectedBuilderId);
  const command = [
    "build",
    ...request.extras,
    ...request.groups.map((g) => `-g ${g}`),
    ...request.requirements.map((file) => `-r ${file}`),
    ...(request.renewBuildEnvs === true ? ["--renew-build-envs"] : request.force ? ["--force"] : []),
  ].join(" ");
  if (decision.mode.kind === "up-to-date")
    return { version: 1, command, decision: "up to date: inputs unchanged", warnings: [], steps: [] };
  if (decision.stored !== undefined) {
    return {
      version: 1,
      command,
      decision: `restore from the result store (${decision.mode.reason}): no builder runs`,
      warnings: [],
      steps: [
        {
          id: "restore",
          title: `copy ${decision.stored.wheels.length} stored wheels in, each hash checked, and publish`,
        },
      ],
    };
  }
  const plan = await planBuilderRun(ctx, project, facts, decision, command);
  return { ...plan, steps: withCacheSteps(project, facts, decision, plan.steps, ctx.env) };
}

/** The registry cache's lookup before the builder's steps (a hit runs none of them), and its push after. */
function withCacheSteps(
  project: LoadedProject,
  facts: BuildFacts,
  decision: Decision,
  steps: readonly PrintableStep[],
  env: WorkflowContext["env"],
): readonly PrintableStep[] {
  const ref = cacheRefOf(project);
  if (ref === undefined) return steps;
  const { request } = facts;
  const lookup: PrintableStep[] =
    request.force || request.checkReproducible
      ? []
      : [
          {
            id: "cache",
            title: `look up ${lookupTag(facts, decision)} in ${ref.text} (a hit is restored, every blob and wheel checked, and nothing below runs)`,
          },
          ...(decision.mode.kind === "full"
            ? [
                {
                  id: "cache-sdists",
                  title: `on a miss, once the builder is known: look up the wheels built from sdists for it in ${ref.text} (sdist-<builder group>-<sdist sha256>), each checked and handed into the builder, used only for an sdist of exactly that sha256`,
                },
              ]
            : []),
        ];
  const push = pushesToCache(request, env);
  const after: PrintableStep[] = push
    ? [
        {
          id: "cache-push",
          title: `push the published set to ${ref.text} (blobs first, then the manifest by tag), and each wheel compiled from an sdist as its own entry`,
        },
      ]
    : [];
  return [...lookup, ...steps, ...after];
}

/** The plan of a build that runs: the local engine's steps, or the builder session's command lines. */
async function planBuilderRun(
  ctx: WorkflowContext,
  project: LoadedProject,
  facts: BuildFacts,
  decision: Decision,
  command: string,
): Promise<PrintablePlan> {
  const detection = await ctx.detectEngine(project.config.engine.value);
  const engine: ContainerEngine | undefined = detection.kind === "container" ? detection.engine : undefined;
  const appOnly = decision.mode.kind === "app-only";
  if (engine === undefined && detection.kind === "local") {
    return {
      version: 1,
      command,
      decision: `build with the local engine: ${decision.mode.reason}`,
      warnings: [],
      steps: localSteps(appOnly),
    };
  }
  const { image, exists } = await builderImageFor(ctx, facts.choice, engine);
  const capabilities = detection.kind === "container" ? detection.capabilities : undefined;
  const volumes = await imageVolumesOf(engine, image);
  const { index, runId } = facts;
  const spec = builderSpecFor(project, image, index, runId, volumes, undefined, capabilities?.location);
  const binary = binaryFor(project.config.engine.value, engine);
  const scmVersion =
    facts.scmCommit === undefined ? undefined : await readScmVersion(project.root, ctx.runner, ctx.env);
  const helper = helperFor(
    project,
    facts,
    decision,
    { paths: BUILDER_PATHS, python: "python3" },
    appOnly,
    scmVersion,
  );
  const credentials = facts.netrc === "" ? 0 : facts.netrc.trim().split("\n").length;
  const steps: PrintableStep[] = [
    ...(exists ? [] : [builderImageStep(image)]),
    ...withFolderCopies(
      helperSessionSteps(binary, spec, helper, {
        sourceFiles: decision.inputs.tree.files.length,
        credentials,
        cacheVolumeMissing: await cacheVolumeMissing(engine, spec),
      }),
      folderCopyStepsFor(project, facts.index, capabilities, binary, spec.name),
    ),
    { id: "publish", title: "verify every wheel, write the manifest and requirements, publish by rename" },
  ];
  return { version: 1, command, decision: `build: ${decision.mode.reason}`, warnings: [], steps };
}

function builderImageStep(image: string): PrintableStep {
  return {
    id: "builder-image",
    title: `build the builder image ${image} first (\`wheelwright image --dry-run\` shows how)`,
  };
}

function localSteps(appOnly: boolean): PrintableStep[] {
  return [
    {
      id: "local",
      title: "copy the source into a temporary folder and run the helper in the local virtual environment",
    },
    {
      id: "helper",
      title: appOnly
        ? "build the application's wheel (the dependency wheels are reused)"
        : "build every wheel",
    },
    { id: "publish", title: "verify every wheel, write the manifest and requirements, publish by rename" },
  ];
}
