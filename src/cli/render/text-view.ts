// Events as text for a person (a terminal, with a live line) or a log (plain lines; folded into
// groups or sections when a CI runner reads it). Only a step's boundaries, its stages and the
// warnings are printed; the full output only with --verbose (a failure's error carries its tail).
import type { WheelwrightEvent } from "../../events.js";
import type { Folds } from "./folds.js";
import { LiveLine } from "./live-line.js";

export interface TextViewOptions {
  terminal: boolean;
  write: (text: string) => void;
  redact: (text: string) => string;
  verbose: boolean;
  clock: () => number;
  columns: () => number | undefined;
  folds: Folds | undefined;
  /** GitHub's groups do not nest: an inner step then stays in its outer step's group. */
  foldsNest: boolean;
}

export class TextView {
  private readonly live: LiveLine;
  private readonly folded: string[] = [];

  constructor(private readonly options: TextViewOptions) {
    this.live = new LiveLine(options.write, options.clock, options.columns);
  }

  clear(): void {
    this.live.clear();
  }

  /** Ends every fold still open, so an error printed next is not hidden in a collapsed one. */
  closeAll(): void {
    this.live.clear();
    while (this.folded.length > 0) this.options.write(this.close(this.folded.at(-1)!));
  }

  show(event: WheelwrightEvent): void {
    const { write, redact } = this.options;
    switch (event.type) {
      case "step-started":
        this.live.restart();
        write(this.open(event.id, redact(event.title)) ?? `» ${redact(event.title)}\n`);
        return;
      case "step-finished":
      case "step-failed": {
        this.live.clear();
        const mark = event.type === "step-finished" ? "✓" : "✗";
        const detail = event.type === "step-finished" && event.detail ? `, ${redact(event.detail)}` : "";
        write(
          `${this.close(event.id)}${mark} ${redact(event.title)} (${event.seconds.toFixed(1)} s${detail})\n`,
        );
        return;
      }
      case "output":
      case "progress":
        this.showProgress(event);
        return;
      case "warning":
      case "notice":
        this.live.clear();
        write(`${event.type === "warning" ? "warning: " : ""}${redact(event.message)}\n`);
        return;
      case "result":
        return;
    }
  }

  private showProgress(event: Extract<WheelwrightEvent, { type: "output" | "progress" }>): void {
    const text = this.options.redact(event.type === "output" ? event.line : event.text);
    if (this.options.verbose) this.options.write(`  ${text}\n`);
    else if (this.options.terminal) {
      if (event.type === "progress") this.live.progress(text);
      else this.live.output(text);
    } else if (event.type === "progress" && event.milestone === true) {
      // A log gets one line per stage, never one per line of pip's or the engine's output.
      this.options.write(`  ${text}\n`);
    }
  }

  private open(id: string, title: string): string | undefined {
    const { folds, foldsNest } = this.options;
    if (folds === undefined || (!foldsNest && this.folded.length > 0)) return undefined;
    this.folded.push(id);
    return folds.open(id, title);
  }

  private close(id: string): string {
    const { folds } = this.options;
    if (folds === undefined || this.folded.at(-1) !== id) return "";
    this.folded.pop();
    return folds.close(id);
  }
}
