// `wheelwright all`: clean, image --all, build <test set>, test, release (for each target); one summary.
import { requireContainerEngine } from "../../engine/detect.js";
import { cleanProject } from "../../workflows/clean.js";
import { type AllResult, runAll } from "../../workflows/run-all.js";
import { buildResult, releaseResult, testResult } from "../run-results.js";
import { type Session, workflowContext } from "../session.js";
import { forEachTarget, sessionViews, targetLines } from "../target-runs.js";

export async function allCommand(session: Session): Promise<void> {
  const views = sessionViews(session);
  const ctx = workflowContext(session);
  let runs: { name: string | undefined; result: AllResult }[];
  if (views.length === 1 && views[0]!.target === undefined) {
    runs = [{ name: undefined, result: await runAll(ctx, views[0]!) }];
  } else {
    // Every target's clean first, one after another: a clean removes the project's containers,
    // which must never happen while another target builds.
    const { engine } = requireContainerEngine(await ctx.detectEngine(views[0]!.config.engine.value), "all");
    ctx.emit({ type: "notice", message: "── wheelwright all: clean" });
    for (const project of views) await cleanProject(ctx, project, { all: false, force: false }, engine);
    runs = await forEachTarget(session, ctx, views, (project, own) => runAll(own, project, { clean: false }));
  }
  for (const { result } of runs)
    for (const done of [buildResult(result.build), testResult(result.tests), releaseResult(result.release)])
      session.emit({ type: "result", result: done });
  if (session.json) {
    const single = runs.length === 1 && runs[0]!.name === undefined;
    session.out(
      `${JSON.stringify(single ? { version: 1, ...runs[0]!.result } : { version: 1, targets: runs.map(({ name, result }) => ({ target: name, ...result })) }, null, 2)}\n`,
    );
    return;
  }
  for (const { name, result } of runs)
    session.out(
      targetLines(
        name,
        `${[
          `images:  ${result.images.map((image) => image.tags[0]).join(" ")}`,
          `wheels:  ${result.build.manifest.wheels.length} in ${result.build.wheelhouse}`,
          `tests:   ${result.tests.outcome === "no-tests" ? "none found" : "passed"} (${result.tests.testLine})`,
          `release: ${result.release.tags.join(" ")}`,
        ].join("\n")}\n`,
      ),
    );
}
