// `wheelwright build [EXTRA...] [-g GROUP] [-r FILE] [--force]` and `wheelwright build -- CMD...`:
// parse, run, render the wheel table.
import path from "node:path";
import type { BuildOutcome } from "../../workflows/build-wheelhouse.js";
import { buildWheelhouse } from "../../workflows/build-wheelhouse.js";
import { planWheelhouseBuild } from "../../workflows/plan-build.js";
import { runInBuilder } from "../../workflows/run-in-builder.js";
import { printPlan } from "../print-plan.js";
import { buildResult } from "../run-results.js";
import { loadSessionProject, type Session, workflowContext } from "../session.js";

export interface BuildCommandOptions {
  group?: string[];
  requirement?: string[];
  force?: boolean;
  checkReproducible?: boolean;
  dryRun?: boolean;
}

export async function buildCommand(
  session: Session,
  extras: string[],
  options: BuildCommandOptions,
  passthrough: string[] | undefined,
): Promise<void> {
  const project = loadSessionProject(session);
  const ctx = workflowContext(session);
  if (passthrough !== undefined) {
    session.exitCode = await runInBuilder(ctx, project, passthrough);
    return;
  }
  const request = {
    extras,
    groups: options.group ?? [],
    requirements: options.requirement ?? [],
    force: options.force === true,
    checkReproducible: options.checkReproducible === true,
  };
  if (options.dryRun) {
    printPlan(session, await planWheelhouseBuild(ctx, project, request));
    return;
  }
  const started = session.clock();
  const outcome = await buildWheelhouse(ctx, project, request);
  session.emit({ type: "result", result: buildResult(outcome) });
  printSummary(session, outcome, (session.clock() - started) / 1000);
}

function printSummary(session: Session, outcome: BuildOutcome, seconds: number): void {
  const { manifest } = outcome;
  if (session.json) {
    session.out(
      `${JSON.stringify({ version: 1, status: outcome.status, mode: outcome.mode.kind, wheelhouse: outcome.wheelhouse, seconds, manifest }, null, 2)}\n`,
    );
    return;
  }
  const rel = path.relative(session.cwd, outcome.wheelhouse) || ".";
  if (outcome.status === "up-to-date") {
    session.out(
      `${rel}: up to date (${manifest.wheels.length} wheel${manifest.wheels.length === 1 ? "" : "s"}, inputs unchanged)\n`,
    );
    return;
  }
  const lines = manifest.wheels.map(
    (w) =>
      `  ${w.filename.padEnd(60)} ${(w.size / 1024).toFixed(0).padStart(7)} KiB  ${w.origin.padEnd(7)}  ${w.sha256.slice(0, 12)}  ${w.sets.join(",")}`,
  );
  const total = manifest.wheels.reduce((sum, w) => sum + w.size, 0);
  const count = `${manifest.wheels.length} wheel${manifest.wheels.length === 1 ? "" : "s"}`;
  const reproducible =
    manifest.reproducible === undefined
      ? ""
      : `reproducible: a second build gave the same bytes (${manifest.reproducible.conditions.join(", ")})\n`;
  session.out(
    `${lines.join("\n")}\n${reproducible}${rel}: ${count}, ${(total / 1024 / 1024).toFixed(1)} MiB, ${seconds.toFixed(1)} s (${outcome.mode.reason})\n`,
  );
}
