// Turns library events into what a person or a CI log reads (stderr), or NDJSON with --json. On
// GitHub Actions and GitLab a step's output folds (render/folds.ts); on GitHub a failure also
// becomes an annotation and the run's summary goes to the job page (render/summary.ts).
import { EXIT_CODE_MEANINGS, WheelwrightError } from "../errors.js";
import type { WheelwrightEvent } from "../events.js";
import { ciKind, foldsFor } from "./render/folds.js";
import { errorAnnotation } from "./render/github.js";
import { RunSummary, type SummaryFailure, summaryMarkdown } from "./render/summary.js";
import { TextView } from "./render/text-view.js";

export type RenderMode = "tty" | "plain" | "json";

export interface Renderer {
  event(event: WheelwrightEvent): void;
  /** Reports the error that ended the run (and, on GitHub, annotates it). */
  fail(error: unknown): void;
  /** Clears any live line, and writes the run's CI summary when one is due. */
  close(): void;
}

export interface RendererOptions {
  mode: RenderMode;
  write: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  redact?: (text: string) => string;
  verbose?: boolean;
  /** The stream written to, read for its width on each live line (a terminal can be resized). */
  terminal?: { columns?: number };
  clock?: () => number;
  /** The command that runs; `build`, `test`, `release`, `push` and `all` end with a summary. */
  command?: string;
  /** Appends Markdown to the job's summary ($GITHUB_STEP_SUMMARY); no summary when not given. */
  appendSummary?: (markdown: string) => void;
}

const SUMMARISED = new Set(["build", "test", "release", "push", "all"]);

export function chooseMode(
  json: boolean,
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined>,
): RenderMode {
  if (json) return "json";
  return stream.isTTY && env.CI === undefined && env.TERM !== "dumb" ? "tty" : "plain";
}

export function createRenderer(options: RendererOptions): Renderer {
  const { mode, write } = options;
  const redact = options.redact ?? ((text: string) => text);
  const kind = ciKind(options.env);
  const clock = options.clock ?? Date.now;
  const view = new TextView({
    terminal: mode === "tty",
    write,
    redact,
    verbose: options.verbose === true,
    clock,
    columns: () => options.terminal?.columns,
    folds: foldsFor(kind, clock),
    foldsNest: kind === "gitlab",
  });
  const summary = new RunSummary();
  let closed = false;
  return {
    event(event) {
      if (mode !== "json") view.show(event);
      // pip's output lines are many and the summary keeps none of them: only what is kept is copied.
      if (mode !== "json" && !RunSummary.keeps(event)) return;
      // Redacted as JSON, so a secret is found before any escaping (Markdown's, a workflow command's) hides it.
      const safe = JSON.parse(redact(JSON.stringify(event))) as WheelwrightEvent;
      summary.record(safe);
      if (mode === "json") write(`${JSON.stringify(safe)}\n`);
    },
    fail(error) {
      summary.failure = failureOf(error, redact);
      view.closeAll();
      write(formatError(error, redact));
      // --json keeps stderr NDJSON and the error's text: no workflow command in it.
      if (kind === "github" && mode !== "json")
        write(errorAnnotation(summary.failure.title, annotationText(summary.failure)));
    },
    close() {
      view.clear();
      if (closed) return;
      closed = true;
      const command = options.command;
      if (options.appendSummary === undefined || command === undefined || !SUMMARISED.has(command)) return;
      if (!summary.empty) options.appendSummary(redact(summaryMarkdown(command, summary)));
    },
  };
}

/** The error as the summary and the annotation show it: a title, the message, the log's last lines, the hint. */
function failureOf(error: unknown, redact: (text: string) => string): SummaryFailure {
  if (!(error instanceof WheelwrightError))
    return {
      title: "wheelwright: internal error",
      message: redact(String(error)),
      details: [],
      hint: undefined,
    };
  return {
    title: `wheelwright: ${EXIT_CODE_MEANINGS[error.code]} (exit ${error.exitCode})`,
    message: redact(error.message),
    details: error.details.slice(-10).map(redact),
    hint: error.hint === undefined ? undefined : redact(error.hint),
  };
}

function annotationText(failure: SummaryFailure): string {
  const lines = [failure.message, ...failure.details];
  if (failure.hint !== undefined) lines.push(`hint: ${failure.hint}`);
  return lines.join("\n");
}

export function formatError(error: unknown, redact: (text: string) => string = (t) => t): string {
  if (error instanceof WheelwrightError) {
    const lines = [`error: ${error.message}`];
    for (const detail of error.details) lines.push(`  ${detail}`);
    if (error.hint !== undefined) lines.push(`hint: ${error.hint}`);
    return `${redact(lines.join("\n"))}\n`;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `${redact(`internal error: ${message}\nThis is a bug in wheelwright; please report it with the command you ran.`)}\n`;
}
