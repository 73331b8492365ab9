// `npm run bench`: wheelwright against the seed's own commands (bench/seed/seed.sh) on the same
// project, alternating the two run by run, each scenario N times after a warm-up. Prints a markdown
// table (median, min, max of both, ratio wheelwright / seed) and writes every sample as JSON.
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Measurement, measure, run } from "./measure.js";
import { ratio, type Summary, summarize } from "./stats.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(REPO, "dist", "cli", "main.js");
const SEED = path.join(REPO, "bench", "seed", "seed.sh");
const NS = "wwbench";

interface Options {
  runs: number;
  quick: boolean;
  sizes: number[];
}

function parseOptions(argv: string[]): Options {
  const quick = argv.includes("--quick");
  const runsAt = argv.indexOf("--runs");
  const sizesAt = argv.indexOf("--sizes");
  return {
    quick,
    runs: runsAt >= 0 ? Number(argv[runsAt + 1]) : quick ? 1 : 5,
    sizes: sizesAt >= 0 ? argv[sizesAt + 1]!.split(",").map(Number) : quick ? [10, 25] : [25, 100, 400],
  };
}

interface Row {
  scenario: string;
  seed: Summary | undefined;
  wheelwright: Summary | undefined;
  unit: "s" | "MB";
  note?: string;
}

const ww = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  measure(["node", CLI, ...args], { cwd, env: { WHEELWRIGHT_NAMESPACE: NS, CI: "true", ...env } });
const seed = (args: string[], env: Record<string, string> = {}) => measure(["bash", SEED, ...args], { env });
const git = (cwd: string, command: string) =>
  run(`git -c user.name=bench -c user.email=bench@localhost ${command}`, { cwd });

/** Runs both sides `runs` times, alternating which goes first, after one untimed warm-up of each. */
async function pair(
  name: string,
  runs: number,
  seedRun: (() => Promise<Measurement>) | undefined,
  ourRun: (() => Promise<Measurement>) | undefined,
  warmup = true,
): Promise<{ seed: number[]; ours: number[] }> {
  const samples = { seed: [] as number[], ours: [] as number[] };
  if (warmup) {
    await seedRun?.();
    await ourRun?.();
  }
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? (["seed", "ours"] as const) : (["ours", "seed"] as const);
    for (const side of order) {
      const fn = side === "seed" ? seedRun : ourRun;
      if (fn !== undefined) samples[side].push((await fn()).seconds);
    }
  }
  process.stderr.write(
    `bench: ${name}: seed ${samples.seed.map((s) => s.toFixed(2)).join(" ")} | wheelwright ${samples.ours.map((s) => s.toFixed(2)).join(" ")}\n`,
  );
  return samples;
}

const summary = (samples: number[]) => (samples.length === 0 ? undefined : summarize(samples));

async function imageSize(ref: string): Promise<number | undefined> {
  const out = await run(`docker image inspect -f '{{.Size}}' ${ref}`).catch(() => "");
  return out === "" ? undefined : Number(out) / 1e6;
}

/** Copies examples/polls twice: one for the seed's commands (which write into it), one git repo for wheelwright. */
function prepareProjects(work: string): { seedSrc: string; ourSrc: string } {
  const seedSrc = path.join(work, "seed-polls");
  const ourSrc = path.join(work, "ww-polls");
  for (const dir of [seedSrc, ourSrc]) {
    cpSync(path.join(REPO, "examples", "polls"), dir, { recursive: true });
    rmSync(path.join(dir, "wheelhouse"), { recursive: true, force: true });
  }
  return { seedSrc, ourSrc };
}

async function pollsScenarios(options: Options, work: string): Promise<Row[]> {
  const { seedSrc, ourSrc } = prepareProjects(work);
  await git(ourSrc, "init -q -b main");
  writeFileSync(path.join(ourSrc, ".gitignore"), "wheelhouse/\n");
  await git(ourSrc, "add -A");
  await git(ourSrc, "commit -qm bench");
  const target = path.join(seedSrc, "target");
  const seedCache = "wwbench-seed-cache";
  const ourCache = `wheelwright-cache-${NS}-polls`;
  const store = path.join(work, "ww-cache");
  const env = { XDG_CACHE_HOME: store };
  const clearSeedCache = () =>
    run(`docker volume rm -f ${seedCache} >/dev/null && docker volume create ${seedCache} >/dev/null`);
  const clearOurCache = () => run(`docker volume rm -f ${ourCache} >/dev/null; rm -rf ${store}`);
  const seedBuild = () => seed(["build", seedSrc, target, seedCache]);
  const ourBuild = () => ww(["build"], ourSrc, env);
  const rows: Row[] = [];
  const add = (scenario: string, samples: { seed: number[]; ours: number[] }, note?: string) =>
    rows.push({
      scenario,
      seed: summary(samples.seed),
      wheelwright: summary(samples.ours),
      unit: "s",
      ...(note ? { note } : {}),
    });

  await run(`bash ${SEED} image`);
  await ww(["image", "--all"], ourSrc, env);

  add(
    "cold build (no pip cache, no wheelhouse)",
    await pair(
      "cold",
      options.runs,
      async () => {
        await clearSeedCache();
        rmSync(target, { recursive: true, force: true });
        return seedBuild();
      },
      async () => {
        await clearOurCache();
        rmSync(path.join(ourSrc, "wheelhouse"), { recursive: true, force: true });
        return ourBuild();
      },
    ),
  );
  add(
    "warm build (pip cache filled, wheelhouse emptied)",
    await pair(
      "warm",
      options.runs,
      async () => {
        rmSync(target, { recursive: true, force: true });
        return seedBuild();
      },
      async () => {
        rmSync(path.join(ourSrc, "wheelhouse"), { recursive: true, force: true });
        return ourBuild();
      },
    ),
  );
  add(
    "no-op build (nothing changed)",
    await pair("no-op", options.runs, seedBuild, ourBuild),
    "the seed has no no-op: it reruns pip wheel",
  );
  let change = 0;
  const touch = (dir: string) =>
    appendFileSync(path.join(dir, "polls", "results.py"), `\nBENCH_CHANGE = ${++change}\n`);
  add(
    "build after a one-line change in the app's code",
    await pair(
      "change",
      options.runs,
      async () => {
        touch(seedSrc);
        return seedBuild();
      },
      async () => {
        touch(ourSrc);
        return ourBuild();
      },
    ),
  );
  // Release rebuild after a one-line change: the build before it is not timed, only the release.
  const seedRelease = () => seed(["release", target, "wwbench-seed/release:bench"]);
  const ourRelease = () => ww(["release"], ourSrc, env);
  add(
    "release image rebuild after that change",
    await pair(
      "release",
      options.runs,
      async () => {
        touch(seedSrc);
        await seedBuild();
        return seedRelease();
      },
      async () => {
        touch(ourSrc);
        await ourBuild();
        return ourRelease();
      },
    ),
    "wheelwright's includes the image check",
  );
  const sha = await git(ourSrc, "rev-parse --short=12 HEAD");
  const sizes = {
    seed: await imageSize("wwbench-seed/release:bench"),
    seedBase: await imageSize("wwbench-seed/base:latest"),
    ours: await imageSize(`${NS}/polls-release:${sha}-dirty`),
    ourBase: await imageSize(`${NS}/polls-base:${sha}`),
  };
  const one = (value: number | undefined) => (value === undefined ? undefined : summarize([value]));
  const diff = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : a - b;
  rows.push({
    scenario: "release image size",
    seed: one(sizes.seed),
    wheelwright: one(sizes.ours),
    unit: "MB",
  });
  rows.push({
    scenario: "base-to-release size difference",
    seed: one(diff(sizes.seed, sizes.seedBase)),
    wheelwright: one(diff(sizes.ours, sizes.ourBase)),
    unit: "MB",
    note: "the seed's includes the wheels its ADD layer keeps",
  });

  // The local engine against pip wheel run directly on the host.
  const hostCache = path.join(work, "host-pip-cache");
  const hostOut = path.join(work, "host-wheels");
  const hostPip = () =>
    measure(["python3", "-m", "pip", "wheel", "-q", "-w", hostOut, "."], {
      cwd: seedSrc,
      env: {
        PIP_CACHE_DIR: hostCache,
        PIP_INDEX_URL: "file:///opt/pypi/simple",
        PIP_EXTRA_INDEX_URL: "file:///opt/pypi-more/simple",
        PIP_FIND_LINKS: `/opt/wheels ${seedSrc}/packages/dist`,
      },
    });
  const localBuild = () =>
    ww(["build", "--engine", "local", "--wheelhouse", "wheelhouse-local"], ourSrc, env);
  add(
    "local engine, cold (vs pip wheel on the host)",
    await pair(
      "local cold",
      options.runs,
      async () => {
        rmSync(hostCache, { recursive: true, force: true });
        rmSync(hostOut, { recursive: true, force: true });
        return hostPip();
      },
      async () => {
        rmSync(path.join(store, "wheelwright", "pip"), { recursive: true, force: true });
        rmSync(path.join(store, "wheelwright", "store"), { recursive: true, force: true });
        rmSync(path.join(ourSrc, "wheelhouse-local"), { recursive: true, force: true });
        return localBuild();
      },
    ),
  );
  add(
    "local engine, warm (vs pip wheel on the host)",
    await pair(
      "local warm",
      options.runs,
      async () => {
        rmSync(hostOut, { recursive: true, force: true });
        return hostPip();
      },
      async () => {
        rmSync(path.join(ourSrc, "wheelhouse-local"), { recursive: true, force: true });
        return localBuild();
      },
    ),
  );
  add(
    "CLI start-up: wheelwright --version",
    await pair("version", options.runs, undefined, () => ww(["--version"], ourSrc)),
    "no seed equivalent",
  );
  add(
    "CLI start-up: wheelwright info",
    await pair("info", options.runs, undefined, () => ww(["info"], ourSrc)),
    "no seed equivalent",
  );
  await run(`docker volume rm -f ${seedCache} ${ourCache} >/dev/null`).catch(() => "");
  return rows;
}

interface ScalingRow {
  dependencies: number;
  scenario: string;
  seed: Summary | undefined;
  wheelwright: Summary | undefined;
  peakMiB: number | undefined;
}

async function scaling(options: Options, work: string): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  const runs = options.quick ? 1 : Math.min(options.runs, 3);
  for (const size of options.sizes) {
    const dir = path.join(work, `scale-${size}`);
    await run(`python3 ${path.join(REPO, "bench", "generate-index.py")} ${dir} ${size}`);
    const project = path.join(dir, "project");
    const seedSrc = path.join(dir, "seed-project");
    cpSync(project, seedSrc, { recursive: true });
    for (const context of ["base", "builder"]) {
      mkdirSync(path.join(project, "docker", context), { recursive: true });
      writeFileSync(
        path.join(project, "docker", context, "Dockerfile"),
        `FROM wwbench-seed/${context}:latest\n`,
      );
    }
    appendFileSync(
      path.join(project, "pyproject.toml"),
      `\n[tool.wheelwright]\nnetwork = "host"\npull = false\nindex-url = "file:///opt/pypi/simple"\nextra-index-urls = []\nfind-links = ["wheels"]\n`,
    );
    writeFileSync(path.join(project, ".gitignore"), "wheelhouse/\n");
    await git(project, "init -q -b main");
    await git(project, "add -A");
    await git(project, "commit -qm scale");
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
    const record = (scenario: string, samples: { seed: number[]; ours: number[] }) =>
      rows.push({
        dependencies: size,
        scenario,
        seed: summary(samples.seed),
        wheelwright: summary(samples.ours),
        peakMiB: peak,
      });
    record(
      "cold",
      await pair(
        `scale ${size} cold`,
        runs,
        async () => {
          await run(`docker volume rm -f ${seedCache} >/dev/null`);
          rmSync(target, { recursive: true, force: true });
          return seedBuild();
        },
        async () => {
          await run(`docker volume rm -f ${ourCache} >/dev/null; rm -rf ${store}`);
          rmSync(path.join(project, "wheelhouse"), { recursive: true, force: true });
          return ourBuild();
        },
        false,
      ),
    );
    record(
      "warm",
      await pair(
        `scale ${size} warm`,
        runs,
        async () => {
          rmSync(target, { recursive: true, force: true });
          return seedBuild();
        },
        async () => {
          rmSync(path.join(project, "wheelhouse"), { recursive: true, force: true });
          return ourBuild();
        },
        false,
      ),
    );
    record("no-op", await pair(`scale ${size} no-op`, runs, seedBuild, ourBuild, false));
    await run(`docker volume rm -f ${seedCache} ${ourCache} >/dev/null`).catch(() => "");
    // The seed's container wrote root-owned build files into its copy of the source.
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

const fmt = (s: Summary | undefined, unit: string) =>
  s === undefined
    ? "missing"
    : unit === "MB"
      ? `${s.median.toFixed(1)} MB`
      : `${s.median.toFixed(2)} s (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

function markdown(rows: Row[], scale: ScalingRow[], options: Options, facts: Record<string, string>): string {
  const lines = [
    `wheelwright vs the seed's commands on examples/polls, ${options.runs} run(s) each, alternating; median (min–max).`,
    `Machine: ${facts.cpus} CPUs, Node ${facts.node}, Docker engine ${facts.engine}.`,
    "",
    "| scenario | seed | wheelwright | ratio | note |",
    "|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${fmt(r.seed, r.unit)} | ${fmt(r.wheelwright, r.unit)} | ${ratio(r.wheelwright, r.seed)} | ${r.note ?? ""} |`,
    ),
    "",
    "Scaling (generated project; pure-Python wheels and a few C-extension sdists in a local index):",
    "",
    "| dependencies | scenario | seed | wheelwright | ratio | wheelwright peak RSS |",
    "|---|---|---|---|---|---|",
    ...scale.map(
      (r) =>
        `| ${r.dependencies} | ${r.scenario} | ${fmt(r.seed, "s")} | ${fmt(r.wheelwright, "s")} | ${ratio(r.wheelwright, r.seed)} | ${r.peakMiB === undefined ? "—" : `${r.peakMiB.toFixed(0)} MiB`} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!existsSync(CLI)) throw new Error("run `npm run build` first");
  const facts = {
    cpus: String(os.cpus().length),
    cpu: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    engine: await run("docker version --format '{{.Server.Version}}'"),
    client: await run("docker version --format '{{.Client.Version}}'"),
    date: new Date().toISOString(),
  };
  const work = mkdtempSync(path.join(os.tmpdir(), "wheelwright-bench-"));
  try {
    const rows = await pollsScenarios(options, work);
    const scale = await scaling(options, work);
    const table = markdown(rows, scale, options, facts);
    process.stdout.write(table);
    const resultsDir = path.join(REPO, "bench", "results");
    mkdirSync(resultsDir, { recursive: true });
    const file = path.join(
      resultsDir,
      `bench-${facts.date.replace(/[:.]/g, "-")}${options.quick ? "-quick" : ""}.json`,
    );
    writeFileSync(file, `${JSON.stringify({ version: 1, facts, options, rows, scaling: scale }, null, 2)}\n`);
    process.stderr.write(`bench: samples written to ${path.relative(process.cwd(), file)}\n`);
  } finally {
    await run(`rm -rf ${work}`).catch(() => "");
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
