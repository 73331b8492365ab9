// Scaling: a generated project with N dependencies (pure-Python wheels and a few C-extension
// sdists in a local index, bench/generate-index.py), cold, warm and no-op on both sides, and
// wheelwright's peak memory.
import { appendFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { run, setupStep } from "./measure.js";
import type { Options } from "./options.js";
import { pair, type Samples } from "./pair.js";
import { buildSeedImages, commitAll, NS, REPO, SEED_NS, seed, ww } from "./sides.js";
import { pairwiseSummary, type Summary, summarize } from "./stats.js";
import { formatRatio, formatValue } from "./table.js";

export interface ScalingRow {
  dependencies: number;
  scenario: string;
  seed: Summary | undefined;
  wheelwright: Summary | undefined;
  ratio: Summary | undefined;
  peakMiB: number | undefined;
}

/** The generated project, set up for wheelwright (images FROM the seed's, the local index) and copied for the seed. */
async function prepare(dir: string, size: number): Promise<{ project: string; seedSrc: string }> {
  await setupStep(`generate the ${size}-dependency project`, () =>
    run(`python3 ${path.join(REPO, "bench", "generate-index.py")} ${dir} ${size}`),
  );
  const project = path.join(dir, "project");
  const seedSrc = path.join(dir, "seed-project");
  cpSync(project, seedSrc, { recursive: true });
  for (const context of ["base", "builder"]) {
    mkdirSync(path.join(project, "docker", context), { recursive: true });
    writeFileSync(path.join(project, "docker", context, "Dockerfile"), `FROM ${SEED_NS}/${context}:latest\n`);
  }
  appendFileSync(
    path.join(project, "pyproject.toml"),
    `\n[tool.wheelwright]\nnetwork = "host"\npull = false\nindex-url = "file:///opt/pypi/simple"\nextra-index-urls = []\nfind-links = ["wheels"]\n`,
  );
  writeFileSync(path.join(project, ".gitignore"), "wheelhouse/\n");
  await commitAll(project, "scale");
  // Its images (one FROM line each), so the first timed build does not build them.
  await setupStep(`wheelwright image --all (${size} dependencies)`, () =>
    ww(["image", "--all"], project, { XDG_CACHE_HOME: path.join(dir, "ww-cache") }),
  );
  return { project, seedSrc };
}

export async function scaling(options: Options, work: string): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  const runs = options.quick ? 1 : Math.min(options.runs, 3);
  // The projects' own images are FROM the seed's.
  await buildSeedImages();
  for (const size of options.sizes) {
    const dir = path.join(work, `scale-${size}`);
    const { project, seedSrc } = await prepare(dir, size);
    const target = path.join(seedSrc, "target");
    const seedCache = `wwbench-scale-${size}`;
    const ourCache = `wheelwright-cache-${NS}-scaleapp`;
    const store = path.join(dir, "ww-cache");
    const env = { XDG_CACHE_HOME: store };
    const seedEnv = { SEED_APP: "scaleapp", SEED_EXTRA_FIND_LINKS: "/application/wheels" };
    const seedBuild = () => seed(["build", seedSrc, target, seedCache], seedEnv);
    let peak: number | undefined;
    const ourBuild = async () => {
      const m = await ww(["build"], project, env);
      peak = Math.max(peak ?? 0, m.peakMiB ?? 0);
      return m;
    };
    const record = (scenario: string, samples: Samples) =>
      rows.push({
        dependencies: size,
        scenario,
        seed: samples.seed.length > 0 ? summarize(samples.seed) : undefined,
        wheelwright: samples.ours.length > 0 ? summarize(samples.ours) : undefined,
        ratio: pairwiseSummary(samples.ours, samples.seed),
        peakMiB: peak,
      });
    const cold = await pair({
      name: `scale ${size} cold`,
      runs,
      warmup: false,
      seed: async () => {
        await run(`docker volume rm -f ${seedCache} >/dev/null`);
        rmSync(target, { recursive: true, force: true });
        return seedBuild();
      },
      ours: async () => {
        await run(`docker volume rm -f ${ourCache} >/dev/null; rm -rf ${store}`);
        rmSync(path.join(project, "wheelhouse"), { recursive: true, force: true });
        return ourBuild();
      },
    });
    record("cold", cold);
    const warm = await pair({
      name: `scale ${size} warm`,
      runs,
      warmup: false,
      seed: async () => {
        rmSync(target, { recursive: true, force: true });
        return seedBuild();
      },
      ours: async () => {
        rmSync(path.join(project, "wheelhouse"), { recursive: true, force: true });
        return ourBuild();
      },
    });
    record("warm", warm);
    record(
      "no-op",
      await pair({ name: `scale ${size} no-op`, runs, warmup: false, seed: seedBuild, ours: ourBuild }),
    );
    await run(`docker volume rm -f ${seedCache} ${ourCache} >/dev/null`).catch(() => "");
    // The seed's container wrote root-owned build files into its copy of the source.
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function renderScaling(rows: ScalingRow[]): string[] {
  return [
    "| dependencies | scenario | seed median | wheelwright median | ratio (median of pairwise) | wheelwright peak RSS |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.dependencies} | ${r.scenario} | ${formatValue(r.seed, "s")} | ${formatValue(r.wheelwright, "s")} | ${formatRatio(r.ratio)} | ${r.peakMiB === undefined ? "—" : `${r.peakMiB.toFixed(0)} MiB`} |`,
    ),
  ];
}
