// The benchmark's rows and their Markdown: scenario | seed median | wheelwright median | ratio (the
// median of the pairwise ratios) | goal | reached?. Goals are issue 12's table; a row without one
// says so with a dash.
import type { Samples } from "./pair.js";
import { pairwiseSummary, type Summary, summarize } from "./stats.js";

export type Unit = "s" | "MB" | "processes";

/** A bound the row must stay at or under: on the pairwise ratio, or on wheelwright's own median. */
export interface Goal {
  on: "ratio" | "wheelwright";
  max: number;
  text: string;
}

export interface Row {
  scenario: string;
  unit: Unit;
  seed: Summary | undefined;
  wheelwright: Summary | undefined;
  /** The pairwise ratios (wheelwright / seed), one per pair. */
  ratio: Summary | undefined;
  goal?: Goal;
  note?: string;
}

const maybe = (values: number[]) => (values.length === 0 ? undefined : summarize(values));

/** A row of timed pairs (seconds). */
export function timedRow(
  scenario: string,
  samples: Samples,
  extra: { goal?: Goal; note?: string } = {},
): Row {
  return {
    scenario,
    unit: "s",
    seed: maybe(samples.seed),
    wheelwright: maybe(samples.ours),
    ratio: pairwiseSummary(samples.ours, samples.seed),
    ...extra,
  };
}

/** A row of single values (an image size, a count): its ratio is the one pair's. */
export function valueRow(
  scenario: string,
  unit: Unit,
  values: { seed: number | undefined; ours: number | undefined },
  extra: { goal?: Goal; note?: string } = {},
): Row {
  const list = (value: number | undefined) => (value === undefined ? [] : [value]);
  return { ...timedRow(scenario, { seed: list(values.seed), ours: list(values.ours) }, extra), unit };
}

export function reached(row: Row): "yes" | "no" | "—" {
  if (row.goal === undefined) return "—";
  const value = row.goal.on === "ratio" ? row.ratio?.median : row.wheelwright?.median;
  if (value === undefined) return "—";
  return value <= row.goal.max ? "yes" : "no";
}

export function formatValue(summary: Summary | undefined, unit: Unit): string {
  if (summary === undefined) return "—";
  if (unit === "MB") return `${summary.median.toFixed(1)} MB`;
  if (unit === "processes") return String(summary.median);
  const spread = summary.samples.length > 1 ? ` (${summary.min.toFixed(2)}–${summary.max.toFixed(2)})` : "";
  return `${summary.median.toFixed(2)} s${spread}`;
}

export function formatRatio(ratio: Summary | undefined): string {
  if (ratio === undefined) return "—";
  const spread = ratio.samples.length > 1 ? ` (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})` : "";
  return `${ratio.median.toFixed(2)}x${spread}`;
}

/** The table, then one line per row that carries a note. */
export function renderTable(rows: Row[]): string[] {
  const lines = [
    "| scenario | seed median | wheelwright median | ratio (median of pairwise) | goal | reached? |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${formatValue(r.seed, r.unit)} | ${formatValue(r.wheelwright, r.unit)} | ${formatRatio(r.ratio)} | ${r.goal?.text ?? "—"} | ${reached(r)} |`,
    ),
  ];
  const notes = rows.filter((r) => r.note !== undefined).map((r) => `- ${r.scenario}: ${r.note}`);
  return notes.length === 0 ? lines : [...lines, "", ...notes];
}
