// `wheelwright build [EXTRA...] [-g GROUP] [-r FILE] [--force]` and `wheelwright build -- CMD...`:
// parse, run for each target, render the wheel table.
import path from "node:path";
import type { LoadedProject } from "../../config/load.js";
import { InputError } from "../../errors.js";
import type { BuildOutcome, BuildWheelhouseRequest } from "../../workflows/build-wheelhouse.js";
import { buildWheelhouse } from "../../workflows/build-wheelhouse.js";
import type { WorkflowContext } from "../../workflows/context.js";
import { planWheelhouseBuild } from "../../workflows/plan-build.js";
import { runInBuilder } from "../../workflows/run-in-builder.js";
import { printPlan } from "../print-plan.js";
import { buildResult } from "../run-results.js";
import { type Session, workflowContext } from "../session.js";
import { forEachTarget, oneView, sessionViews, type TargetRun, targetLines } from "../target-runs.js";

export interface BuildCommandOptions {
  group?: string[];
  requirement?: string[];
  force?: boolean;
  renewBuildEnvs?: boolean;
  checkReproducible?: boolean;
  /** true: --cache-push, false: --no-cache-push, undefined: by the CI variable. */
  cachePush?: boolean;
  cacheRequired?: boolean;
  dryRun?: boolean;
}

export async function buildCommand(
  session: Session,
  extras: string[],
  options: BuildCommandOptions,
  passthrough: string[] | undefined,
): Promise<void> {
  const ctx = workflowContext(session);
  if (passthrough !== undefined) {
    const all = sessionViews(session);
    const views = buildableViews(session, ctx, all, await buildsLocally(ctx, all[0]!));
    session.exitCode = await runInBuilder(ctx, oneView(views, "build -- CMD"), passthrough);
    return;
  }
  const views = buildableViews(session, ctx, sessionViews(session));
  const request = {
    extras,
    groups: options.group ?? [],
    requirements: options.requirement ?? [],
    // Renewed environments build every wheel anew: nothing is up to date with them.
    force: options.force === true || options.renewBuildEnvs === true,
    renewBuildEnvs: options.renewBuildEnvs === true,
    checkReproducible: options.checkReproducible === true,
    ...(options.cachePush === undefined ? {} : { cachePush: options.cachePush }),
    cacheRequired: options.cacheRequired === true,
  };
  if (options.dryRun) {
    for (const project of views) printPlan(session, await planWheelhouseBuild(ctx, project, request));
    return;
  }
  const ran = await forEachTarget(session, ctx, views, async (project, own) => {
    const started = session.clock();
    const outcome = await buildTarget(session, own, project, request);
    return outcome === undefined ? undefined : { outcome, seconds: (session.clock() - started) / 1000 };
  });
  const runs = ran.flatMap((run) => (run.result === undefined ? [] : [{ ...run, result: run.result }]));
  for (const run of runs) session.emit({ type: "result", result: buildResult(run.result.outcome) });
  printSummary(session, runs);
}

/** Thrown by a target's context when the engine `auto` found no container engine (see buildTarget). */
class LocalEngineAnswered extends Error {}

/**
 * Builds one target's wheelhouse; undefined when it is skipped. With targets and the engine `auto`,
 * only the first target may build with the local engine (issue 14). Which engine answers is asked
 * only when a target needs a builder (an up-to-date wheelhouse asks nothing), so another target's
 * context refuses a local answer there: skipped with a notice, or an error when --target named it.
 */
export async function buildTarget(
  session: Session,
  ctx: WorkflowContext,
  project: LoadedProject,
  request: BuildWheelhouseRequest,
): Promise<BuildOutcome | undefined> {
  const firstName = project.targets[0]?.name;
  const name = project.target?.name;
  if (project.config.engine.value !== "auto" || name === undefined || name === firstName)
    return buildWheelhouse(ctx, project, request);
  const containerOnly: WorkflowContext = {
    ...ctx,
    detectEngine: async (choice) => {
      const detection = await ctx.detectEngine(choice);
      if (detection.kind !== "container") throw new LocalEngineAnswered();
      return detection;
    },
  };
  try {
    return await buildWheelhouse(containerOnly, project, request);
  } catch (error) {
    if (!(error instanceof LocalEngineAnswered)) throw error;
    if (session.targets.includes(name)) throw localOnlyFirst([name], firstName!);
    ctx.emit({ type: "notice", message: skippedNotice([name], firstName!) });
    return undefined;
  }
}

/** Whether the project's builds go to the local engine (`build -- CMD` asks before it picks its target). */
async function buildsLocally(ctx: WorkflowContext, project: LoadedProject): Promise<boolean> {
  const choice = project.config.engine.value;
  if (choice !== "auto") return choice === "local";
  return project.targets.length > 0 && (await ctx.detectEngine(choice)).kind !== "container";
}

function localOnlyFirst(others: readonly string[], firstName: string): InputError {
  return new InputError(
    `--target ${others[0]}: the local engine builds for this machine's Python only, which is the first target's (${firstName})`,
    {
      hint: `Start a container engine to build ${others.join(", ")} (\`wheelwright info\` shows why none answered), or build --target ${firstName}.`,
    },
  );
}

function skippedNotice(skipped: readonly string[], firstName: string): string {
  return `skipping target${skipped.length > 1 ? "s" : ""} ${skipped.join(", ")}: the local engine builds for this machine's Python only (target ${firstName})`;
}

/**
 * The local engine builds with this machine's Python only (issue 14): with targets and the engine
 * `local`, it builds the first one and says which it skipped; naming another with --target is an
 * error. With the engine `auto` each target decides when it needs a builder (buildTarget), so a
 * no-op asks no engine.
 */
export function buildableViews(
  session: Session,
  ctx: WorkflowContext,
  views: LoadedProject[],
  local = views[0]!.config.engine.value === "local",
): LoadedProject[] {
  const first = views[0]!;
  if (first.targets.length === 0 || !local) return views;
  const firstName = first.targets[0]!.name;
  const others = session.targets.filter((name) => name !== firstName);
  if (others.length > 0) throw localOnlyFirst(others, firstName);
  const skipped = first.targets.slice(1).map((target) => target.name);
  if (skipped.length > 0) ctx.emit({ type: "notice", message: skippedNotice(skipped, firstName) });
  return views.filter((view) => view.target?.name === firstName);
}

type BuildRun = TargetRun<{ outcome: BuildOutcome; seconds: number }>;

function printSummary(session: Session, runs: readonly BuildRun[]): void {
  if (session.json) {
    const entries = runs.map(({ name, result: { outcome, seconds } }) => ({
      ...(name === undefined ? {} : { target: name }),
      status: outcome.status,
      mode: outcome.mode.kind,
      wheelhouse: outcome.wheelhouse,
      seconds,
      ...(outcome.fromWheelCache === undefined ? {} : { fromWheelCache: outcome.fromWheelCache }),
      manifest: outcome.manifest,
    }));
    const [only] = entries;
    session.out(
      `${JSON.stringify(runs.length === 1 && runs[0]!.name === undefined ? { version: 1, ...only } : { version: 1, targets: entries }, null, 2)}\n`,
    );
    return;
  }
  session.out(runs.map((run) => targetLines(run.name, summaryText(session, run.result))).join(""));
}

function summaryText(session: Session, { outcome, seconds }: BuildRun["result"]): string {
  const { manifest } = outcome;
  const rel = path.relative(session.cwd, outcome.wheelhouse) || ".";
  if (outcome.status === "up-to-date")
    return `${rel}: up to date (${manifest.wheels.length} wheel${manifest.wheels.length === 1 ? "" : "s"}, inputs unchanged)\n`;
  const lines = manifest.wheels.map(
    (w) =>
      `  ${w.filename.padEnd(60)} ${(w.size / 1024).toFixed(0).padStart(7)} KiB  ${w.origin.padEnd(7)}  ${w.sha256.slice(0, 12)}  ${w.sets.join(",")}`,
  );
  const total = manifest.wheels.reduce((sum, w) => sum + w.size, 0);
  const fetched = outcome.fromWheelCache ?? 0;
  const count = `${manifest.wheels.length} wheel${manifest.wheels.length === 1 ? "" : "s"}${fetched > 0 ? ` (${fetched} built from sdists fetched from the wheel cache)` : ""}`;
  const reproducible =
    manifest.reproducible === undefined
      ? ""
      : `reproducible: a second build gave the same bytes (${manifest.reproducible.conditions.join(", ")})\n`;
  return `${lines.join("\n")}\n${reproducible}${rel}: ${count}, ${(total / 1024 / 1024).toFixed(1)} MiB, ${seconds.toFixed(1)} s (${outcome.mode.reason})\n`;
}
