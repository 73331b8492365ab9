// Runs the two sides of a scenario in pairs, alternating which side goes first from one pair to
// the next (seed-ww, ww-seed, seed-ww, ...): neither side always runs in the other's wake (a
// container being reaped, dirty pages being written back), and each pair stays two adjacent runs,
// so its ratio compares like with like on a machine whose load drifts.
import type { Measurement } from "./measure.js";

export interface Samples {
  seed: number[];
  ours: number[];
}

interface Spec<T> {
  name: string;
  runs: number;
  seed?: () => Promise<T>;
  ours?: () => Promise<T>;
  /** One untimed run of each side first: off in --quick runs and where one run is a cold build. */
  warmup: boolean;
}

export type PairSpec = Spec<Measurement>;

/**
 * Like `pair`, for a scenario whose one run times several steps in a row (a build, then the
 * release of what it built): each side returns one measurement per step; one Samples per step.
 */
export async function pairSteps(spec: Spec<Measurement[]> & { steps: string[] }): Promise<Samples[]> {
  const samples = spec.steps.map((): Samples => ({ seed: [], ours: [] }));
  if (spec.warmup) {
    await spec.seed?.();
    await spec.ours?.();
  }
  for (let i = 0; i < spec.runs; i++) {
    const order = i % 2 === 0 ? (["seed", "ours"] as const) : (["ours", "seed"] as const);
    for (const side of order) {
      const measurements = (await spec[side]?.()) ?? [];
      for (const [step, m] of measurements.entries()) samples[step]?.[side].push(m.seconds);
    }
  }
  const list = (values: number[]) => values.map((s) => s.toFixed(2)).join(" ") || "—";
  spec.steps.forEach((step, i) => {
    const { seed, ours } = samples[i]!;
    process.stderr.write(
      `bench: ${spec.name}${step ? ` ${step}` : ""}: seed ${list(seed)} | wheelwright ${list(ours)}\n`,
    );
  });
  return samples;
}

export async function pair(spec: PairSpec): Promise<Samples> {
  const once = (fn: (() => Promise<Measurement>) | undefined) => (fn ? async () => [await fn()] : undefined);
  const [samples] = await pairSteps({ ...spec, seed: once(spec.seed), ours: once(spec.ours), steps: [""] });
  return samples!;
}
