// The benchmark on a generated Django application (bench/generate-django-app.py: 16 real
// dependencies from the local index and one C-extension sdist of its own), the project issue 12's
// goals are stated for. wheelwright's side is the project after `wheelwright init` (the scaffold a
// user gets) with this machine's config; the seed's side is the same project built by its own
// builder and release Dockerfiles (bench/seed/). Rows: cold, rebuild with warm caches, no-op (and
// the processes a no-op starts), a one-line change, the release after it, the release image's size.
import { appendFileSync, cpSync, rmSync } from "node:fs";
import path from "node:path";
import { changeThenRelease } from "./change-release.js";
import { ensureDebianTool } from "./debian-tool.js";
import type { Measurement } from "./measure.js";
import { run, setupStep } from "./measure.js";
import type { Options } from "./options.js";
import { pair } from "./pair.js";
import { sizeRows } from "./polls.js";
import { countProcesses, describePrograms } from "./process-count.js";
import { startBenchRegistry } from "./registry.js";
import { buildSeedImages, CLI, commitAll, NS, REPO, SEED_NS, seed, ww, wwEnv } from "./sides.js";
import { type Goal, type Row, timedRow, valueRow } from "./table.js";

const APP = "shopfront";
/** Issue 12's goals, as bounds on the median of the pairwise ratios (wheelwright / seed). */
const GOALS = {
  cold: { on: "ratio", max: 0.9, text: "≤ 0.9x (aim 0.8x)" },
  rebuild: { on: "ratio", max: 0.8, text: "≤ 0.8x" },
  noop: { on: "ratio", max: 0.05, text: "≤ 0.05x" },
  processes: { on: "wheelwright", max: 0, text: "0" },
  change: { on: "ratio", max: 0.3, text: "≤ 0.3x" },
  release: { on: "ratio", max: 0.3, text: "≤ 0.3x" },
} satisfies Record<string, Goal>;

interface Projects {
  /** wheelwright's copy: initialised, configured, committed. */
  ourSrc: string;
  /** The seed's copy: the generated project as it is (the seed's container writes into it). */
  seedSrc: string;
}

/** Generates the app, copies it for the seed, and sets up wheelwright's copy the way a user here would. */
async function prepare(work: string): Promise<Projects> {
  const dir = path.join(work, "django");
  await setupStep("generate the Django app", () =>
    run(`python3 ${path.join(REPO, "bench", "generate-django-app.py")} ${dir}`),
  );
  const ourSrc = path.join(dir, "project");
  const seedSrc = path.join(dir, "seed-project");
  cpSync(ourSrc, seedSrc, { recursive: true });
  // `wheelwright init` with the flags this machine needs; `pull` has no flag, so it is added to
  // the file init wrote, as a user would after reading the README's "offline" section.
  await run(
    [
      `node ${CLI} init --namespace ${NS} --network host`,
      "--index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple",
      "--find-links /opt/wheels --find-links vendor",
    ].join(" "),
    { cwd: ourSrc, env: wwEnv() },
  );
  appendFileSync(
    path.join(ourSrc, "wheelwright.toml"),
    "# No registry is reachable here: a missing FROM image is an error at once.\npull = false\n",
  );
  await commitAll(ourSrc, "shopfront, scaffolded by wheelwright init");
  return { ourSrc, seedSrc };
}

export async function djangoScenarios(options: Options, work: string): Promise<Row[]> {
  const { ourSrc, seedSrc } = await prepare(work);
  const { runs } = options;
  const target = path.join(seedSrc, "target");
  const seedCache = "wwbench-seed-shopfront-cache";
  const releaseTag = `${SEED_NS}/${APP}-release:bench`;
  const env = { XDG_CACHE_HOME: path.join(work, "django", "ww-cache") };
  const seedEnv = { SEED_APP: APP, SEED_EXTRA_FIND_LINKS: "/application/vendor" };
  const seedBuild = () => seed(["build", seedSrc, target, seedCache], seedEnv);
  const ourBuild = (...args: string[]) => ww(["build", ...args], ourSrc, env);
  const emptyTarget = () => rmSync(target, { recursive: true, force: true });
  const warmup = !options.quick;
  const rows: Row[] = [];

  await buildSeedImages();
  await setupStep("wheelwright image --all (shopfront)", () => ww(["image", "--all"], ourSrc, env));
  try {
    const seedCold = async () => {
      await run(`docker volume rm -f ${seedCache} >/dev/null`);
      emptyTarget();
      return seedBuild();
    };
    const cold = await pair({
      name: "django cold",
      runs,
      warmup,
      seed: seedCold,
      ours: async () => {
        await ww(["clean", "--all"], ourSrc, env);
        return ourBuild();
      },
    });
    rows.push(timedRow("cold (`clean --all`; the seed: empty pip cache)", cold, { goal: GOALS.cold }));
    rows.push(await secondMachineRow({ ...options, warmup }, work, ourSrc, env, seedCold));
    const rebuild = await pair({
      name: "django rebuild",
      runs,
      warmup,
      seed: async () => {
        emptyTarget();
        return seedBuild();
      },
      ours: () => ourBuild("--force"),
    });
    rows.push(
      timedRow("rebuild, warm caches (`build --force`; the seed: empty output)", rebuild, {
        goal: GOALS.rebuild,
      }),
    );
    const noop = await pair({ name: "django no-op", runs, warmup, seed: seedBuild, ours: () => ourBuild() });
    rows.push(
      timedRow("no-op `build`", noop, {
        goal: GOALS.noop,
        note: "the seed has no no-op: it reruns pip wheel",
      }),
    );
    rows.push(await processRow(ourSrc, env));

    const module = (dir: string) => path.join(dir, APP, "orders", "pricing.py");
    const changed = await changeThenRelease(
      "django change",
      runs,
      {
        seed: {
          module: module(seedSrc),
          build: seedBuild,
          release: () => seed(["release", target, releaseTag], seedEnv),
        },
        ours: {
          module: module(ourSrc),
          build: () => ourBuild(),
          release: () => ww(["release"], ourSrc, env),
        },
      },
      (file, line) => appendFileSync(file, `\n${line}\n`),
    );
    rows.push(timedRow("one-line change in the app, then `build`", changed.build, { goal: GOALS.change }));
    rows.push(
      timedRow("`release` after that change", changed.release, {
        goal: GOALS.release,
        note: "wheelwright's time includes its checks of the image",
      }),
    );
    rows.push(...(await sizeRows(ourSrc, APP, releaseTag)));
  } finally {
    await ww(["clean", "--all"], ourSrc, env).catch(() => undefined);
    await run(`docker volume rm -f ${seedCache} >/dev/null`).catch(() => "");
  }
  return rows;
}

/**
 * Issue 13's row: a second machine (no wheelhouse, no cache volume, no result store: `clean --all`)
 * builds the commit a first machine already pushed to the team's registry wheel cache, against the
 * seed's cold build. The first machine's push is set-up, not timed.
 */
async function secondMachineRow(
  options: Options & { warmup: boolean },
  work: string,
  ourSrc: string,
  env: Record<string, string>,
  seedCold: () => Promise<Measurement>,
): Promise<Row> {
  const registry = await setupStep("a registry on 127.0.0.1 for the wheel cache", () =>
    startBenchRegistry(work),
  );
  const cache = ["--cache", `${registry.address}/${NS}/wheels`];
  try {
    await setupStep("the first machine fills the registry wheel cache", async () => {
      await ww(["clean", "--all"], ourSrc, env);
      return ww([...cache, "build", "--cache-push"], ourSrc, env);
    });
    const samples = await pair({
      name: "django second machine",
      runs: options.runs,
      warmup: options.warmup,
      seed: seedCold,
      ours: async () => {
        await ww(["clean", "--all"], ourSrc, env);
        const built = await ww([...cache, "build", "--no-cache-push"], ourSrc, env);
        if (!built.output.includes("restored from the registry cache"))
          throw new Error(`the second machine's build did not restore from the cache:\n${built.output}`);
        return built;
      },
    });
    return timedRow("cold on a second machine, warm registry wheel cache (the seed: cold)", samples, {
      note: "the first machine's `build --cache-push` is set-up; the second restores the set without a builder",
    });
  } finally {
    await registry.stop();
  }
}

/** The processes an up-to-date `wheelwright build` starts, counted under strace. */
async function processRow(ourSrc: string, env: Record<string, string>): Promise<Row> {
  const scenario = "processes a no-op `build` starts";
  if (!(await ensureDebianTool("strace", "strace", "it counts the processes a no-op build starts"))) {
    return valueRow(
      scenario,
      "processes",
      { seed: undefined, ours: undefined },
      {
        goal: GOALS.processes,
        note: "not measured: strace is missing",
      },
    );
  }
  const count = await countProcesses(["node", CLI, "build"], { cwd: ourSrc, env: wwEnv(env) });
  // The count is a no-op's only if the build was one.
  if (!count.output.includes("up to date"))
    throw new Error(`the traced build was no no-op:\n${count.output}`);
  const said = count.output.split("\n").find((line) => line.includes("up to date"));
  process.stderr.write(
    `bench: no-op processes: ${count.processes} (${describePrograms(count.programs)}); ${said}\n`,
  );
  return valueRow(
    scenario,
    "processes",
    { seed: undefined, ours: count.processes },
    {
      goal: GOALS.processes,
      note: `counted under strace -f (forks and clones that made a process); programs run: ${describePrograms(count.programs) || "none"}`,
    },
  );
}
