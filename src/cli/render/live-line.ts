// A terminal's live line: how long the step has run, where it is (the package compiling, the
// Dockerfile step) and the last line of output, redrawn in place and cut to the terminal's width.

export class LiveLine {
  private shown = "";
  private started: number;
  private stage = "";
  private last = "";

  constructor(
    private readonly write: (text: string) => void,
    private readonly clock: () => number,
    /** Read on each redraw: a terminal can be resized. */
    private readonly columns: () => number | undefined,
  ) {
    this.started = clock();
  }

  /** A new step: its clock starts, its stage and output are not yet known. */
  restart(): void {
    this.clear();
    this.started = this.clock();
    this.stage = "";
    this.last = "";
  }

  progress(text: string): void {
    this.stage = text.trim();
    this.last = "";
    this.draw();
  }

  output(line: string): void {
    this.last = line.trim();
    this.draw();
  }

  /** Erases the line before other text is written. */
  clear(): void {
    if (this.shown !== "") this.write("\r\x1b[2K");
    this.shown = "";
  }

  private draw(): void {
    const elapsed = `[${((this.clock() - this.started) / 1000).toFixed(0).padStart(3)} s] `;
    const width = Math.max(20, (this.columns() || 100) - 4 - elapsed.length);
    const text = [this.stage, this.last].filter((part) => part !== "").join(" · ");
    this.shown = `  ${elapsed}${text.slice(0, width)}`;
    this.write(`\r\x1b[2K${this.shown}`);
  }
}
