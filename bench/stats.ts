// Summaries of timing samples: these machines are noisy, so medians (with min and max), never one
// run; and ratios taken pair by pair, each wheelwright run against the seed run beside it, so that
// a slow minute of the shared machine weighs on both sides of a ratio instead of on one median.
export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarize(samples: number[]): Summary {
  if (samples.length === 0) throw new Error("summarize needs at least one sample");
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, samples };
}

/** Each wheelwright sample divided by the seed sample of the same pair; pairs with a zero seed side are left out. */
export function pairwiseRatios(ours: number[], seed: number[]): number[] {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(ours.length, seed.length); i++) {
    if (seed[i]! > 0) ratios.push(ours[i]! / seed[i]!);
  }
  return ratios;
}

/** The summary of the pairwise ratios, or undefined when either side has no sample. */
export function pairwiseSummary(ours: number[], seed: number[]): Summary | undefined {
  const ratios = pairwiseRatios(ours, seed);
  return ratios.length === 0 ? undefined : summarize(ratios);
}
