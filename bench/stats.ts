// Summaries of timing samples: these machines are noisy, so medians (with min and max), never one run.
export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, samples };
}

export function ratio(ours: Summary | undefined, theirs: Summary | undefined): string {
  if (ours === undefined || theirs === undefined || theirs.median === 0) return "—";
  return `${(ours.median / theirs.median).toFixed(2)}x`;
}
