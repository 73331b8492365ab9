// `wheelwright test [--junit-xml FILE] [-- CMD...]`: parse, run for each target, render.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../errors.js";
import { planTests } from "../../workflows/plan-test.js";
import { runTests } from "../../workflows/run-tests.js";
import { printPlan } from "../print-plan.js";
import { testResult } from "../run-results.js";
import { type Session, workflowContext } from "../session.js";
import { forEachTarget, sessionViews, targetLines } from "../target-runs.js";

export interface TestOptions {
  junitXml?: string;
  dryRun?: boolean;
}

/** With several targets each writes its own report: `report.xml` becomes `report-<target>.xml`. */
function junitFileOf(file: string | undefined, target: string | undefined, several: boolean) {
  if (file === undefined || !several || target === undefined) return file;
  const extension = path.extname(file);
  return `${file.slice(0, file.length - extension.length)}-${target}${extension}`;
}

export async function testCommand(
  session: Session,
  command: string[] | undefined,
  options: TestOptions,
): Promise<void> {
  const views = sessionViews(session);
  const junitXml = options.junitXml === undefined ? undefined : path.resolve(session.cwd, options.junitXml);
  if (junitXml !== undefined && existsSync(junitXml) && statSync(junitXml).isDirectory()) {
    throw new InputError(`--junit-xml ${options.junitXml} is a folder; give a file path`);
  }
  const ctx = workflowContext(session);
  const requestOf = (target: string | undefined) => ({
    command,
    junitXml: junitFileOf(junitXml, target, views.length > 1),
  });
  if (options.dryRun) {
    for (const project of views)
      printPlan(session, await planTests(ctx, project, requestOf(project.target?.name)));
    return;
  }
  const runs = await forEachTarget(session, ctx, views, (project, own) =>
    runTests(own, project, requestOf(project.target?.name)),
  );
  for (const { name, result } of runs) {
    session.emit({ type: "result", result: testResult(result) });
    if (result.junit !== undefined)
      session.emit({
        type: "notice",
        message: targetLines(name, `JUnit report: ${path.relative(session.cwd, result.junit)}`),
      });
    session.out(
      targetLines(
        name,
        result.outcome === "no-tests"
          ? `${result.app}: no tests found (${result.testLine}); set \`test-command\` if they run another way\n`
          : `${result.app}: tests passed (${result.testLine})\n`,
      ),
    );
  }
}
