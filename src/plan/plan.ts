// What every plan has in common, and how `--dry-run` prints one: as a shell script whose commands
// are exactly those the executor runs (`--json`: the plan itself, versioned).
import type { EngineCommand } from "../domain/engine-commands.js";
import { shellQuote } from "../domain/shell-quote.js";

/** One step as printed: a title, and what it runs (an engine command, a file written, or a host action). */
export interface PrintableStep {
  readonly id: string;
  readonly title: string;
  /** The engine command this step runs, exactly. */
  readonly command?: EngineCommand;
  /** What the command reads on stdin, described (e.g. "a tar of the source, 12 files"). */
  readonly stdin?: string;
  /** What the command's stdout goes to, described. */
  readonly stdout?: string;
  /** A file this step writes before its command runs. */
  readonly writes?: { readonly path: string; readonly text: string };
  /**
   * Host commands equivalent to what the executor does natively on the host (it copies with hash
   * checks where `cp` would not): printed so the plan runs as a script.
   */
  readonly shell?: readonly (readonly string[])[];
  /** A host-side action with no command (publish, removals found at run time). */
  readonly note?: string;
}

export interface PrintablePlan {
  readonly version: 1;
  /** The wheelwright command this plan carries out, e.g. `build test`. */
  readonly command: string;
  /** What was decided before any step, e.g. "up to date: inputs unchanged". */
  readonly decision?: string;
  readonly warnings: readonly string[];
  readonly steps: readonly PrintableStep[];
}

/** `KEY=value docker build ...`, quoted so a shell runs exactly this argv. */
export function commandLine(command: EngineCommand): string {
  const env = Object.entries(command.env).map(([key, value]) => `${key}=${shellQuote(value)}`);
  return [...env, ...command.argv.map(shellQuote)].join(" ");
}

/** The plan as a shell script: comments for titles and notes, heredocs for files, the exact commands. */
export function renderPlan(plan: PrintablePlan): string {
  const lines = [`# wheelwright ${plan.command}`];
  if (plan.decision !== undefined) lines.push(`# ${plan.decision}`);
  for (const warning of plan.warnings) lines.push(`# warning: ${warning}`);
  for (const step of plan.steps) {
    lines.push(`# ${step.title}`);
    if (step.note !== undefined) lines.push(...step.note.split("\n").map((line) => `#   ${line}`));
    for (const argv of step.shell ?? []) lines.push(argv.map(shellQuote).join(" "));
    if (step.writes !== undefined) {
      const marker = uniqueMarker(step.writes.text);
      const folder = step.writes.path.replace(/\/[^/]*$/, "") || "/";
      lines.push(
        `mkdir -p ${shellQuote(folder)}`,
        `cat > ${shellQuote(step.writes.path)} <<'${marker}'`,
        step.writes.text.replace(/\n$/, ""),
        marker,
      );
    }
    if (step.command !== undefined) {
      const io = [
        step.stdin === undefined ? "" : `  # stdin: ${step.stdin}`,
        step.stdout === undefined ? "" : `  # stdout: ${step.stdout}`,
      ].join("");
      lines.push(`${commandLine(step.command)}${io}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function uniqueMarker(text: string): string {
  let marker = "WHEELWRIGHT_EOF";
  while (text.split("\n").includes(marker)) marker += "_";
  return marker;
}
