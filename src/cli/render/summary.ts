// The Markdown summary of a run for GitHub's job page ($GITHUB_STEP_SUMMARY): what the command
// produced (the wheel table, the release image, the pushed digests, the test counts), the time each
// step took, and on a failure the error with its hint. Pure: events in, Markdown out.
import type { WheelwrightEvent } from "../../events.js";
import { type RunResult, sbomLine, type TestCounts, type WheelRow } from "../../run-result.js";

export interface SummaryStep {
  title: string;
  seconds: number;
  ok: boolean;
}

export interface SummaryFailure {
  title: string;
  message: string;
  /** The error's detail lines (the tail of a failing log): shown as they are, in a code block. */
  details: readonly string[];
  hint: string | undefined;
}

export class RunSummary {
  readonly steps: SummaryStep[] = [];
  readonly results: RunResult[] = [];
  failure: SummaryFailure | undefined;

  /** The events a summary is made of: the steps' ends and the results. */
  static keeps(event: WheelwrightEvent): boolean {
    return event.type === "step-finished" || event.type === "step-failed" || event.type === "result";
  }

  record(event: WheelwrightEvent): void {
    if (event.type === "step-finished" || event.type === "step-failed")
      this.steps.push({ title: event.title, seconds: event.seconds, ok: event.type === "step-finished" });
    else if (event.type === "result") this.results.push(event.result);
  }

  /** Nothing to say when nothing ran (a dry run, `--help`). */
  get empty(): boolean {
    return this.steps.length === 0 && this.results.length === 0 && this.failure === undefined;
  }
}

/** A table cell: a pipe would split it, a newline would end the table. */
export function cell(text: string): string {
  return text.replaceAll("|", "\\|").replace(/[\r\n]+/g, " ");
}

function table(head: string[], align: string[], rows: string[][]): string {
  return [
    `| ${head.join(" | ")} |`,
    `| ${align.join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n");
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function wheelTable(wheels: readonly WheelRow[]): string {
  return table(
    ["wheel", "version", "size", "origin"],
    ["---", "---", "---:", "---"],
    wheels.map((w) => [w.name, w.version, formatSize(w.size), w.origin]),
  );
}

function countsTable(counts: TestCounts): string {
  return table(
    ["tests", "failures", "errors", "skipped"],
    ["---:", "---:", "---:", "---:"],
    [[counts.tests, counts.failures, counts.errors, counts.skipped].map(String)],
  );
}

const code = (text: string) => `\`${text.replaceAll("`", "'")}\``;

function resultSection(result: RunResult): string {
  switch (result.command) {
    case "build": {
      const total = result.wheels.reduce((sum, w) => sum + w.size, 0);
      const status = result.status === "up-to-date" ? "up to date" : result.status;
      return `**Wheelhouse** (${status}: ${result.reason}): ${result.wheels.length} wheels, ${formatSize(total)}\n\n${wheelTable(result.wheels)}`;
    }
    case "test":
      return `**Tests passed**: ${code(result.testLine)}${result.counts === undefined ? "" : `\n\n${countsTable(result.counts)}`}`;
    case "release":
      return `**Release image** ${result.tags.map(code).join(", ")}\n\n${table(
        ["image id", "size", "user"],
        ["---", "---:", "---"],
        [[result.image, `${(result.sizeBytes / 1e6).toFixed(1)} MB`, result.user]],
      )}${result.sbom === undefined ? "" : `\n\n${code(sbomLine(result.sbom))}`}`;
    case "push":
      if (result.lists !== undefined)
        return `**Manifest lists**\n\n${table(
          ["list", "digest", "members"],
          ["---", "---", "---"],
          result.lists.map((l) => [
            l.name,
            l.digest,
            l.members.map((m) => `${m.platform} ${m.digest}`).join("<br>"),
          ]),
        )}`;
      return `**Pushed**\n\n${table(
        ["image", "digest"],
        ["---", "---"],
        result.pushed.map((p) => [p.reference, p.digest]),
      )}`;
  }
}

function stepsSection(steps: readonly SummaryStep[]): string {
  const total = steps.reduce((sum, s) => sum + s.seconds, 0);
  const rows = steps.map((s) => [`${s.ok ? "✓" : "✗"} ${s.title}`, `${s.seconds.toFixed(1)} s`]);
  return `<details><summary>Steps (${total.toFixed(1)} s)</summary>\n\n${table(["step", "time"], ["---", "---:"], rows)}\n\n</details>`;
}

/** A fence longer than any run of backticks in the text, so a log line cannot close it. */
function fenced(lines: readonly string[]): string {
  const longest = Math.max(2, ...lines.flatMap((line) => (line.match(/`+/g) ?? []).map((run) => run.length)));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${lines.join("\n")}\n${fence}`;
}

function failureSection(failure: SummaryFailure): string {
  const parts = [`**${failure.title}**`, `> ${failure.message.replace(/\n/g, "\n> ")}`];
  if (failure.details.length > 0) parts.push(fenced(failure.details));
  if (failure.hint !== undefined) parts.push(`**hint:** ${failure.hint}`);
  return parts.join("\n\n");
}

/** The run's summary; `command` is the wheelwright command that ran (`build`, `release`, ...). */
export function summaryMarkdown(command: string, summary: RunSummary): string {
  const outcome = summary.failure === undefined ? "✓" : "✗";
  const sections = [
    `### ${outcome} wheelwright ${command}`,
    ...(summary.failure === undefined ? [] : [failureSection(summary.failure)]),
    ...summary.results.map(resultSection),
    ...(summary.steps.length === 0 ? [] : [stepsSection(summary.steps)]),
  ];
  return `${sections.join("\n\n")}\n\n`;
}
