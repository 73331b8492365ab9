// The benchmark on examples/polls (the repository's own example): both sides from cold, warm,
// no-op, after a one-line change, the release image; the local engine against pip on the host;
// and the CLI's start-up.
import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { changeThenRelease } from "./change-release.js";
import { measure, run, setupStep } from "./measure.js";
import type { Options } from "./options.js";
import { pair } from "./pair.js";
import {
  buildSeedImages,
  commitAll,
  git,
  imageSize,
  NS,
  REPO,
  SEED_BASE,
  SEED_NS,
  seed,
  ww,
} from "./sides.js";
import { type Row, timedRow, valueRow } from "./table.js";

/** Copies examples/polls twice: one for the seed's commands (which write into it), one git repo for wheelwright. */
async function prepareProjects(work: string): Promise<{ seedSrc: string; ourSrc: string }> {
  const seedSrc = path.join(work, "seed-polls");
  const ourSrc = path.join(work, "ww-polls");
  for (const dir of [seedSrc, ourSrc]) {
    cpSync(path.join(REPO, "examples", "polls"), dir, { recursive: true });
    rmSync(path.join(dir, "wheelhouse"), { recursive: true, force: true });
  }
  // The example declares two targets (bookworm and trixie): the bench compares one build with the
  // seed's one, so its copy keeps none (bookworm's images, one wheelhouse).
  const pyproject = path.join(ourSrc, "pyproject.toml");
  writeFileSync(
    pyproject,
    readFileSync(pyproject, "utf8").replace(/\n(#[^\n]*\n)*\[\[tool\.wheelwright\.target\]\][\s\S]*$/, "\n"),
  );
  writeFileSync(path.join(ourSrc, ".gitignore"), "wheelhouse/\n");
  await commitAll(ourSrc, "bench");
  return { seedSrc, ourSrc };
}

export async function pollsScenarios(options: Options, work: string): Promise<Row[]> {
  const { seedSrc, ourSrc } = await prepareProjects(work);
  const { runs } = options;
  const warmup = !options.quick;
  const target = path.join(seedSrc, "target");
  const seedCache = "wwbench-seed-cache";
  const ourCache = `wheelwright-cache-${NS}-polls`;
  const store = path.join(work, "ww-cache");
  const env = { XDG_CACHE_HOME: store };
  const seedRelease = `${SEED_NS}/polls-release:bench`;
  const clearSeedCache = () =>
    run(`docker volume rm -f ${seedCache} >/dev/null && docker volume create ${seedCache} >/dev/null`);
  const clearOurCache = () => run(`docker volume rm -f ${ourCache} >/dev/null; rm -rf ${store}`);
  const seedBuild = () => seed(["build", seedSrc, target, seedCache]);
  const ourBuild = () => ww(["build"], ourSrc, env);
  const rows: Row[] = [];

  await buildSeedImages();
  await setupStep("wheelwright image --all (polls)", () => ww(["image", "--all"], ourSrc, env));

  const cold = await pair({
    name: "polls cold",
    runs,
    warmup,
    seed: async () => {
      await clearSeedCache();
      rmSync(target, { recursive: true, force: true });
      return seedBuild();
    },
    ours: async () => {
      await clearOurCache();
      rmSync(path.join(ourSrc, "wheelhouse"), { recursive: true, force: true });
      return ourBuild();
    },
  });
  rows.push(timedRow("cold build (no pip cache, no wheelhouse)", cold));
  const warm = await pair({
    name: "polls warm",
    runs,
    warmup,
    seed: async () => {
      rmSync(target, { recursive: true, force: true });
      return seedBuild();
    },
    ours: async () => {
      rmSync(path.join(ourSrc, "wheelhouse"), { recursive: true, force: true });
      return ourBuild();
    },
  });
  rows.push(timedRow("warm build (pip cache filled, wheelhouse emptied)", warm));
  const noop = await pair({ name: "polls no-op", runs, warmup, seed: seedBuild, ours: ourBuild });
  rows.push(
    timedRow("no-op build (nothing changed)", noop, { note: "the seed has no no-op: it reruns pip wheel" }),
  );

  const changed = await changeThenRelease(
    "polls change",
    runs,
    {
      seed: {
        module: path.join(seedSrc, "polls", "results.py"),
        build: seedBuild,
        release: () => seed(["release", target, seedRelease]),
      },
      ours: {
        module: path.join(ourSrc, "polls", "results.py"),
        build: ourBuild,
        release: () => ww(["release"], ourSrc, env),
      },
    },
    (module, line) => appendFileSync(module, `\n${line}\n`),
  );
  rows.push(timedRow("build after a one-line change in the app's code", changed.build));
  rows.push(
    timedRow("release image rebuild after that change", changed.release, {
      note: "wheelwright's time includes its checks of the image",
    }),
  );
  rows.push(...(await sizeRows(ourSrc, "polls", seedRelease)));
  rows.push(...(await localEngineRows(options, { seedSrc, ourSrc, store, env })));
  await run(`docker volume rm -f ${seedCache} ${ourCache} >/dev/null`).catch(() => "");
  return rows;
}

/** The release images' sizes, and what each adds to its base image. */
export async function sizeRows(ourSrc: string, app: string, seedRelease: string): Promise<Row[]> {
  const sha = await git(ourSrc, "rev-parse --short=12 HEAD");
  const sizes = {
    seed: await imageSize(seedRelease),
    seedBase: await imageSize(SEED_BASE),
    ours: await imageSize(`${NS}/${app}-release:${sha}-dirty`),
    ourBase: await imageSize(`${NS}/${app}-base:${sha}`),
  };
  const diff = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : a - b;
  return [
    valueRow("release image size", "MB", { seed: sizes.seed, ours: sizes.ours }),
    valueRow(
      "base-to-release size difference",
      "MB",
      { seed: diff(sizes.seed, sizes.seedBase), ours: diff(sizes.ours, sizes.ourBase) },
      { note: "the seed's includes the wheels its ADD layer keeps" },
    ),
  ];
}

/** The local engine against pip wheel run directly on the host, and the CLI's start-up. */
async function localEngineRows(
  options: Options,
  p: { seedSrc: string; ourSrc: string; store: string; env: Record<string, string> },
): Promise<Row[]> {
  const work = path.dirname(p.seedSrc);
  const hostCache = path.join(work, "host-pip-cache");
  const hostOut = path.join(work, "host-wheels");
  const hostPip = () =>
    measure(["python3", "-m", "pip", "wheel", "-q", "-w", hostOut, "."], {
      cwd: p.seedSrc,
      env: {
        PIP_CACHE_DIR: hostCache,
        PIP_INDEX_URL: "file:///opt/pypi/simple",
        PIP_EXTRA_INDEX_URL: "file:///opt/pypi-more/simple",
        PIP_FIND_LINKS: `/opt/wheels ${p.seedSrc}/packages/dist`,
      },
    });
  const localBuild = () =>
    ww(["build", "--engine", "local", "--wheelhouse", "wheelhouse-local"], p.ourSrc, p.env);
  const { runs } = options;
  const warmup = !options.quick;
  const cold = await pair({
    name: "local cold",
    runs,
    warmup,
    seed: async () => {
      rmSync(hostCache, { recursive: true, force: true });
      rmSync(hostOut, { recursive: true, force: true });
      return hostPip();
    },
    ours: async () => {
      rmSync(path.join(p.store, "wheelwright", "pip"), { recursive: true, force: true });
      rmSync(path.join(p.store, "wheelwright", "store"), { recursive: true, force: true });
      rmSync(path.join(p.ourSrc, "wheelhouse-local"), { recursive: true, force: true });
      return localBuild();
    },
  });
  const warm = await pair({
    name: "local warm",
    runs,
    warmup,
    seed: async () => {
      rmSync(hostOut, { recursive: true, force: true });
      return hostPip();
    },
    ours: async () => {
      rmSync(path.join(p.ourSrc, "wheelhouse-local"), { recursive: true, force: true });
      return localBuild();
    },
  });
  const version = await pair({ name: "version", runs, warmup, ours: () => ww(["--version"], p.ourSrc) });
  const info = await pair({ name: "info", runs, warmup, ours: () => ww(["info"], p.ourSrc) });
  return [
    timedRow("local engine, cold (vs pip wheel on the host)", cold),
    timedRow("local engine, warm (vs pip wheel on the host)", warm),
    timedRow("CLI start-up: wheelwright --version", version, { note: "no seed equivalent" }),
    timedRow("CLI start-up: wheelwright info", info, { note: "no seed equivalent" }),
  ];
}
