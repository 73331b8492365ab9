// `wheelwright all`, the seed's `make all`: clean, the images, the wheelhouse with the test set,
// the tests from it, and the release image. Stops at the first failure, with that step's error.
import type { LoadedProject } from "../config/load.js";
import { buildCommandFor } from "../domain/test-set.js";
import { requireContainerEngine } from "../engine/detect.js";
import type { ImageResult } from "../execute/run-image-plan.js";
import { buildImages, planImageBuild } from "./build-images.js";
import type { BuildOutcome } from "./build-wheelhouse.js";
import { buildWheelhouse } from "./build-wheelhouse.js";
import { cleanProject } from "./clean.js";
import type { WorkflowContext } from "./context.js";
import { planReleaseImage, type ReleaseResult, releaseImage } from "./release-image.js";
import { runTests, type TestResult } from "./run-tests.js";
import { resolveTestSet } from "./test-set.js";

export interface AllResult {
  images: ImageResult[];
  build: BuildOutcome;
  tests: TestResult;
  release: ReleaseResult;
}

/**
 * `clean: false` when the caller cleaned already: with targets running side by side, one target's
 * clean (which removes the project's containers) must not run while another builds.
 */
export async function runAll(
  ctx: WorkflowContext,
  project: LoadedProject,
  options: { clean: boolean } = { clean: true },
): Promise<AllResult> {
  const stage = (name: string) => ctx.emit({ type: "notice", message: `── wheelwright all: ${name}` });
  const { engine } = requireContainerEngine(await ctx.detectEngine(project.config.engine.value), "all");
  if (options.clean) {
    stage("clean");
    await cleanProject(ctx, project, { all: false, force: false }, engine);
  }
  stage("image --all");
  const images = await buildImages(
    ctx,
    project,
    await planImageBuild(ctx, project, { targets: [], all: true, reuseSameContent: true }, engine),
    engine,
  );
  const set = resolveTestSet(project);
  stage(buildCommandFor(set).replace(/^wheelwright /, ""));
  const build = await buildWheelhouse(ctx, project, {
    extras: set?.kind === "extra" ? [set.name] : [],
    groups: set?.kind === "group" ? [set.name] : [],
    requirements: set?.kind === "requirements" ? [set.name] : [],
    force: false,
  });
  stage("test");
  const tests = await runTests(ctx, project, { command: undefined, junitXml: undefined });
  stage("release");
  const release = await releaseImage(ctx, project, await planReleaseImage(ctx, project, [], engine), engine);
  return { images, build, tests, release };
}
