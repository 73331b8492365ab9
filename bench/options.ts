// The benchmark's command line: `npm run bench -- [--quick] [--runs N] [--sizes 25,100]
// [--only django,polls,scaling] [--load] [--keep-images]`.
export const SECTIONS = ["django", "polls", "scaling"] as const;
export type Section = (typeof SECTIONS)[number];

export interface Options {
  /** Fewer runs, fewer sizes, no warm-up before cold builds: a run of a few minutes. */
  quick: boolean;
  /** Timed pairs per scenario. */
  runs: number;
  /** Dependency counts of the scaling projects. */
  sizes: number[];
  only: Section[];
  /** Run `stress-ng --cpu 1` beside both sides for the whole run. */
  load: boolean;
  /** Leave the images the run made (faster reruns); by default every one is removed at the end. */
  keepImages: boolean;
}

const USAGE =
  "usage: npm run bench -- [--quick] [--runs N] [--sizes 25,100] [--only django,polls,scaling] [--load] [--keep-images]";

function positiveIntegers(flag: string, text: string | undefined): number[] {
  const values = (text ?? "").split(",").map(Number);
  if (text === undefined || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${flag} takes positive whole numbers, got ${text ?? "nothing"}\n${USAGE}`);
  }
  return values;
}

export function parseOptions(argv: string[]): Options {
  const options: Options = {
    quick: argv.includes("--quick"),
    runs: 0,
    sizes: [],
    only: [...SECTIONS],
    load: false,
    keepImages: false,
  };
  let runs: number | undefined;
  let sizes: number[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--quick") continue;
    else if (arg === "--load") options.load = true;
    else if (arg === "--keep-images") options.keepImages = true;
    else if (arg === "--runs") runs = positiveIntegers(arg, argv[++i])[0];
    else if (arg === "--sizes") sizes = positiveIntegers(arg, argv[++i]);
    else if (arg === "--only") {
      const names = (argv[++i] ?? "").split(",");
      const unknown = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
      if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(", ")}\n${USAGE}`);
      options.only = names as Section[];
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  options.runs = runs ?? (options.quick ? 1 : 5);
  options.sizes = sizes ?? (options.quick ? [10, 25] : [25, 100, 400]);
  return options;
}
