// `wheelwright all`: clean, image --all, build <test set>, test, release; one summary.
import { runAll } from "../../workflows/run-all.js";
import { buildResult, releaseResult, testResult } from "../run-results.js";
import { loadSessionProject, type Session, workflowContext } from "../session.js";

export async function allCommand(session: Session): Promise<void> {
  const result = await runAll(workflowContext(session), loadSessionProject(session));
  for (const done of [buildResult(result.build), testResult(result.tests), releaseResult(result.release)])
    session.emit({ type: "result", result: done });
  if (session.json) {
    session.out(`${JSON.stringify({ version: 1, ...result }, null, 2)}\n`);
    return;
  }
  session.out(
    `${[
      `images:  ${result.images.map((image) => image.tags[0]).join(" ")}`,
      `wheels:  ${result.build.manifest.wheels.length} in ${result.build.wheelhouse}`,
      `tests:   ${result.tests.outcome === "no-tests" ? "none found" : "passed"} (${result.tests.testLine})`,
      `release: ${result.release.tags.join(" ")}`,
    ].join("\n")}\n`,
  );
}
