// A command run for each selected target (issue 14): one after another by default, `--jobs N` at a
// time; each run's events name its target when more than one runs. Without targets the command
// runs once for the project, exactly as before targets existed.
import { availableParallelism } from "node:os";
import type { LoadedProject } from "../config/load.js";
import { selectTargets } from "../config/target-view.js";
import { InputError } from "../errors.js";
import { labelEvents } from "../events.js";
import type { WorkflowContext } from "../workflows/context.js";
import { loadSessionProject, type Session } from "./session.js";

export interface TargetRun<T> {
  project: LoadedProject;
  /** The target's name; undefined for a project without targets. */
  name: string | undefined;
  result: T;
}

/**
 * Targets at a time when `--jobs` is not given: builds are CPU-bound, and on a machine of 2 CPUs or
 * fewer two at once only interleave. The host's CPUs stand for the engine's (a remote engine's
 * would cost a question to it on every run).
 */
export function defaultJobs(cpus: number = availableParallelism()): number {
  return cpus <= 2 ? 1 : Math.floor(cpus / 2);
}

/** The project views the command runs for: one per selected target, or the project itself. */
export function sessionViews(session: Session): LoadedProject[] {
  return selectTargets(loadSessionProject(session), session.targets);
}

/** The error of a failed target names it when several ran, so the user knows which one to fix. */
function namedFailure(error: unknown, name: string | undefined, several: boolean): unknown {
  if (
    several &&
    name !== undefined &&
    error instanceof Error &&
    !error.message.startsWith(`target ${name}: `)
  )
    error.message = `target ${name}: ${error.message}`;
  return error;
}

/**
 * Runs `work` for each view, at most `jobs` at a time, and returns the results in the views'
 * order. After a failure no further target starts; those running finish, then the failure of the
 * earliest target is thrown.
 */
export async function forEachTarget<T>(
  session: Pick<Session, "jobs">,
  ctx: WorkflowContext,
  views: readonly LoadedProject[],
  work: (project: LoadedProject, ctx: WorkflowContext) => Promise<T>,
): Promise<TargetRun<T>[]> {
  const several = views.length > 1;
  const jobs = Math.max(1, Math.min(views.length, session.jobs ?? defaultJobs()));
  const results: TargetRun<T>[] = [];
  const failures: { index: number; error: unknown }[] = [];
  let next = 0;
  const worker = async () => {
    while (failures.length === 0 && next < views.length) {
      const index = next++;
      const project = views[index]!;
      const name = project.target?.name;
      const own = several && name !== undefined ? { ...ctx, emit: labelEvents(ctx.emit, name) } : ctx;
      try {
        results[index] = { project, name, result: await work(project, own) };
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const [first] = failures.sort((a, b) => a.index - b.index);
  if (first !== undefined) throw namedFailure(first.error, views[first.index]!.target?.name, several);
  return results;
}

/**
 * One summary for every target: each line of a target's text starts with its name; a project
 * without targets prints its text as it is.
 */
export function targetLines(name: string | undefined, text: string): string {
  if (name === undefined) return text;
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `[${name}] ${line}`))
    .join("\n");
}

/**
 * The one view a command that cannot run for several targets at once works on (`run`, `build --
 * CMD`, `lock`): the only one selected, else an error naming the targets to choose from.
 */
export function oneView(views: readonly LoadedProject[], command: string): LoadedProject {
  if (views.length === 1) return views[0]!;
  const names = views.map((view) => view.target?.name ?? "");
  throw new InputError(
    `\`${command}\` runs for one target; this project has ${names.length}: ${names.join(", ")}`,
    {
      hint: `Name one with --target (e.g. \`wheelwright ${command.split(" ")[0]} --target ${names[0]}\`).`,
    },
  );
}
