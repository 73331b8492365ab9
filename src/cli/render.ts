// Turns library events into what a person or a CI log reads (stderr), or NDJSON with --json.

import { WheelwrightError } from "../errors.js";
import type { WheelwrightEvent } from "../events.js";

export type RenderMode = "tty" | "plain" | "json";

export interface Renderer {
  event(event: WheelwrightEvent): void;
  /** Clears any live line before other text is written. */
  close(): void;
}

export function chooseMode(
  json: boolean,
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined>,
): RenderMode {
  if (json) return "json";
  return stream.isTTY && env.CI === undefined && env.TERM !== "dumb" ? "tty" : "plain";
}

/** GitHub Actions and GitLab fold a step's output between these markers. */
function foldMarkers(env: Record<string, string | undefined>) {
  if (env.GITHUB_ACTIONS === "true")
    return { open: (t: string) => `::group::${t}`, close: () => "::endgroup::" };
  return undefined;
}

export function createRenderer(
  mode: RenderMode,
  write: (text: string) => void,
  env: Record<string, string | undefined>,
  redact: (text: string) => string = (text) => text,
  verbose = false,
  /** The stream written to, read for its width on each live line (a terminal can be resized). */
  terminal: { columns?: number } = {},
): Renderer {
  const fold = foldMarkers(env);
  let live = "";
  let stepStarted = Date.now();
  const clearLive = () => {
    if (live !== "") write("\r\x1b[2K");
    live = "";
  };
  return {
    event(event) {
      if (mode === "json") {
        const safe = JSON.parse(redact(JSON.stringify(event))) as WheelwrightEvent;
        write(`${JSON.stringify(safe)}\n`);
        return;
      }
      switch (event.type) {
        case "step-started":
          clearLive();
          stepStarted = Date.now();
          write(fold ? `${fold.open(redact(event.title))}\n` : `» ${redact(event.title)}\n`);
          return;
        case "step-finished":
          clearLive();
          if (fold) write(`${fold.close()}\n`);
          write(
            `✓ ${redact(event.title)} (${event.seconds.toFixed(1)} s${event.detail ? `, ${redact(event.detail)}` : ""})\n`,
          );
          return;
        case "step-failed":
          clearLive();
          if (fold) write(`${fold.close()}\n`);
          write(`✗ ${redact(event.title)} (${event.seconds.toFixed(1)} s)\n`);
          return;
        case "output":
        case "progress": {
          const text = redact(event.type === "output" ? event.line : event.text);
          // The full log only with --verbose; a failure's error carries the tail anyway.
          if (verbose) write(`  ${text}\n`);
          else if (mode === "tty") {
            // The live line: elapsed time of the step, then what pip is doing (which package, wheels done).
            const elapsed = `[${((Date.now() - stepStarted) / 1000).toFixed(0).padStart(3)} s] `;
            const width = Math.max(20, (terminal.columns || 100) - 4 - elapsed.length);
            live = `  ${elapsed}${text.trim().slice(0, width)}`;

            write(`\r\x1b[2K${live}`);
          }
          return;
        }
        case "warning":
          clearLive();
          write(`warning: ${redact(event.message)}\n`);
          return;
        case "notice":
          clearLive();
          write(`${redact(event.message)}\n`);
          return;
      }
    },
    close: clearLive,
  };
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
