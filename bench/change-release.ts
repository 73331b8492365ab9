// The "one-line change" scenario shared by both projects: each run appends a line to one of the
// app's modules, builds, then releases what it built, timing both steps; the release is the one
// "after that change". One untimed release of each side comes first, so the first timed one finds
// a previous release (and its cached dependency layer), as a release in a project's life would.
import type { Measurement } from "./measure.js";
import { pairSteps, type Samples } from "./pair.js";

export interface Side {
  /** The app module that gets the one-line change. */
  module: string;
  build: () => Promise<Measurement>;
  release: () => Promise<Measurement>;
}

export async function changeThenRelease(
  name: string,
  runs: number,
  sides: { seed: Side; ours: Side },
  change: (module: string, line: string) => void,
): Promise<{ build: Samples; release: Samples }> {
  await sides.seed.release();
  await sides.ours.release();
  let count = 0;
  const run = async (side: Side) => {
    change(side.module, `BENCH_CHANGE = ${++count}`);
    return [await side.build(), await side.release()];
  };
  const [build, release] = await pairSteps({
    name,
    runs,
    warmup: false,
    steps: ["build", "release"],
    seed: () => run(sides.seed),
    ours: () => run(sides.ours),
  });
  return { build: build!, release: release! };
}
