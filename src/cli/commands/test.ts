// `wheelwright test [--junit-xml FILE] [-- CMD...]`: parse, run, render.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../errors.js";
import { planTests } from "../../workflows/plan-test.js";
import { runTests } from "../../workflows/run-tests.js";
import { printPlan } from "../print-plan.js";
import { testResult } from "../run-results.js";
import { loadSessionProject, type Session, workflowContext } from "../session.js";

export interface TestOptions {
  junitXml?: string;
  dryRun?: boolean;
}

export async function testCommand(
  session: Session,
  command: string[] | undefined,
  options: TestOptions,
): Promise<void> {
  const project = loadSessionProject(session);
  const junitXml = options.junitXml === undefined ? undefined : path.resolve(session.cwd, options.junitXml);
  if (junitXml !== undefined && existsSync(junitXml) && statSync(junitXml).isDirectory()) {
    throw new InputError(`--junit-xml ${options.junitXml} is a folder; give a file path`);
  }
  if (options.dryRun) {
    printPlan(session, await planTests(workflowContext(session), project, { command, junitXml }));
    return;
  }
  const result = await runTests(workflowContext(session), project, { command, junitXml });
  session.emit({ type: "result", result: testResult(result) });
  if (result.junit !== undefined)
    session.emit({ type: "notice", message: `JUnit report: ${path.relative(session.cwd, result.junit)}` });
  session.out(
    result.outcome === "no-tests"
      ? `${result.app}: no tests found (${result.testLine}); set \`test-command\` if they run another way\n`
      : `${result.app}: tests passed (${result.testLine})\n`,
  );
}
