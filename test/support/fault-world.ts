// A closed little world for a fault test, so "nothing changed outside the wheelhouse" can be checked
// on a machine other runs share: the project lives in a parent folder of its own, the CLI gets a
// TMPDIR of its own (its /tmp: scratch folders go there), a result-store cache of its own and a
// fixed run id. A listing of the parent and of that TMPDIR before and after a run shows every file
// the run created, changed or removed; the shared /tmp is checked for anything naming the run.
// On the engine, what the run made is found through the engine's own event log (containers of the
// project's label, the volumes they mounted), so other runs' containers and volumes never count.
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa, type ResultPromise } from "execa";
import { CLI, type CliResult } from "./cli.js";
import { makeProject, type ProjectSpec } from "./fixtures.js";

export interface World {
  /** Everything of the test: removed by dispose(). */
  dir: string;
  /** The project's parent folder. */
  parent: string;
  /** The CLI's TMPDIR. */
  tmp: string;
  /** The CLI's XDG_CACHE_HOME (result store). */
  cache: string;
  dispose(): void;
}

export function makeWorld(scenario: string): World {
  const dir = mkdtempSync(path.join(tmpdir(), `wwf-${scenario}-`));
  const world = {
    dir,
    parent: path.join(dir, "parent"),
    tmp: path.join(dir, "tmp"),
    cache: path.join(dir, "cache"),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const folder of [world.parent, world.tmp, world.cache]) mkdirSync(folder);
  return world;
}

/** A fixture project (fixtures.ts) moved into `parent` as `folder` (any characters). */
export function placeProject(parent: string, spec: ProjectSpec, folder = spec.scenario): string {
  const made = makeProject(spec);
  const root = path.join(parent, folder);
  try {
    renameSync(made, root);
  } catch {
    // Another file system (a test's own small disk): copy, keeping modes and links.
    cpSync(made, root, { recursive: true, verbatimSymlinks: true });
    rmSync(made, { recursive: true, force: true });
  }
  return root;
}

/**
 * Every entry under `dir` (relative path -> "dir", "-> target" for a link, or the file's sha256),
 * except those `skip` names (relative paths, a folder's whole subtree with it).
 */
export function listing(
  dir: string,
  skip: (relative: string) => boolean = () => false,
): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (folder: string, prefix: string) => {
    if (!existsSync(folder)) return;
    for (const name of readdirSync(folder).sort()) {
      const relative = `${prefix}${name}`;
      if (skip(relative)) continue;
      const full = path.join(folder, name);
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) result[relative] = `-> ${readlinkSync(full)}`;
      else if (stat.isDirectory()) {
        result[`${relative}/`] = "dir";
        walk(full, `${relative}/`);
      } else result[relative] = createHash("sha256").update(readFileSync(full)).digest("hex");
    }
  };
  walk(dir, "");
  return result;
}

/**
 * What a run may not change: the project's parent folder without the wheelhouse (checked byte for
 * byte on its own) and without git's index (git refreshes its stat cache on `git status`, which
 * `image` runs: not a change wheelwright makes), plus the CLI's TMPDIR.
 */
export function outside(world: World, root: string, wheelhouse = "wheelhouse"): Record<string, string> {
  const project = path.relative(world.parent, root);
  const skipped = new Set([`${project}/${wheelhouse}`, `${project}/.git/index`]);
  return {
    ...prefixed(
      "parent/",
      listing(world.parent, (relative) => skipped.has(relative)),
    ),
    ...prefixed("tmp/", listing(world.tmp)),
  };
}

function prefixed(prefix: string, entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).map(([key, value]) => [`${prefix}${key}`, value]));
}

/** Entries of the machine's shared /tmp whose names contain `runId` (a run must leave none). */
export function sharedTmpNaming(runId: string): string[] {
  return readdirSync(tmpdir()).filter((name) => name.includes(runId));
}

export interface RunOptions {
  cwd: string;
  runId: string;
  env?: Record<string, string | undefined>;
  input?: string;
}

function cliEnv(world: World, options: RunOptions): Record<string, string | undefined> {
  return {
    ...process.env,
    CI: "true",
    TMPDIR: world.tmp,
    XDG_CACHE_HOME: world.cache,
    WHEELWRIGHT_RUN_ID: options.runId,
    ...options.env,
  };
}

/** Runs the built CLI in the world, to its end. */
export async function ww(world: World, args: string[], options: RunOptions): Promise<CliResult> {
  const result = await execa("node", [CLI, ...args], {
    cwd: options.cwd,
    env: cliEnv(world, options),
    reject: false,
    ...(options.input === undefined ? { stdin: "ignore" as const } : { input: options.input }),
    timeout: 10 * 60_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Starts the CLI detached (its own process group), so the test can signal it alone. */
export function spawnWw(world: World, args: string[], options: RunOptions): ResultPromise {
  return execa("node", [CLI, ...args], {
    cwd: options.cwd,
    env: cliEnv(world, options),
    reject: false,
    detached: true,
    ...(options.input === undefined ? { stdin: "ignore" as const } : { input: options.input }),
  });
}

/** Polls `check` every `everyMs` until it holds; throws naming `what` after `ms`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 300_000,
  everyMs = 100,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** `docker` against the shared engine, or the one `host` names. */
export async function docker(args: string[], host?: string): Promise<{ exitCode: number; stdout: string }> {
  const result = await execa("docker", host === undefined ? args : ["-H", host, ...args], { reject: false });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout).trim() };
}

const lines = (text: string) => text.split("\n").filter((line) => line.trim() !== "");

/** The engine's event log from `since` (seconds) to now, filtered. */
async function events(since: number, filters: string[], format: string, host?: string): Promise<string[]> {
  const until = (Date.now() / 1000 + 0.5).toFixed(3);
  const filterArgs = filters.flatMap((filter) => ["--filter", filter]);
  const args = ["events", "--since", since.toFixed(3), "--until", until, ...filterArgs, "--format", format];
  return lines((await docker(args, host)).stdout);
}

export interface EngineLeftovers {
  containers: string[];
  /** Volumes a container of the project mounted that still exist (the named cache volume aside). */
  volumes: string[];
  candidateTags: string[];
}

/**
 * What the project's runs since `since` (seconds since the epoch) left on the engine: containers
 * of its label, volumes those containers mounted (anonymous ones from the builder image's VOLUME
 * lines included), and release candidate tags of `releaseRepository`.
 */
export async function engineLeftovers(options: {
  project: string;
  since: number;
  cacheVolume: string;
  releaseRepository?: string;
  host?: string;
}): Promise<EngineLeftovers> {
  const { host } = options;
  const label = `label=io.wheelwright.project=${options.project}`;
  const containers = lines(
    (await docker(["ps", "-a", "--filter", label, "--format", "{{.Names}}"], host)).stdout,
  );
  const ids = new Set(await events(options.since, ["type=container", label], "{{.Actor.ID}}", host));
  const mounted = (await events(options.since, ["type=volume", "event=mount"], "{{json .Actor}}", host))
    .map((line) => JSON.parse(line) as { ID: string; Attributes: Record<string, string> })
    .filter((actor) => ids.has(actor.Attributes.container ?? ""))
    .map((actor) => actor.ID);
  const volumes: string[] = [];
  for (const volume of new Set(mounted)) {
    if (volume === options.cacheVolume) continue;
    if ((await docker(["volume", "inspect", volume], host)).exitCode === 0) volumes.push(volume);
  }
  const candidateTags =
    options.releaseRepository === undefined
      ? []
      : lines(
          (
            await docker(
              ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", options.releaseRepository],
              host,
            )
          ).stdout,
        ).filter((tag) => tag.includes(":wheelwright-candidate-"));
  return { containers, volumes, candidateTags };
}

export const NOTHING_LEFT: EngineLeftovers = { containers: [], volumes: [], candidateTags: [] };

/** Removes the project's cache volume (the one thing a build keeps on the engine on purpose). */
export async function removeCacheVolume(volume: string, host?: string): Promise<void> {
  await docker(["volume", "rm", "-f", volume], host);
}

/**
 * Removes every image of a test's project (its label) and the images built on them (the legacy
 * builder's unlabelled stage images of a multi-stage release), children first: the shared engine
 * keeps none of a test's images.
 */
export async function removeProjectImages(project: string, host?: string): Promise<void> {
  const labelled = lines(
    (
      await docker(
        ["image", "ls", "-q", "--no-trunc", "--filter", `label=io.wheelwright.project=${project}`],
        host,
      )
    ).stdout,
  );
  if (labelled.length === 0) return;
  const all = lines((await docker(["image", "ls", "-a", "-q", "--no-trunc"], host)).stdout);
  const parents = new Map(
    lines(
      (await docker(["image", "inspect", "--format", "{{.Id}} {{.Parent}}", ...new Set(all)], host)).stdout,
    ).map((line) => line.split(" ") as [string, string]),
  );
  const depth = (id: string): number => {
    for (let parent = parents.get(id), steps = 1; parent !== undefined && parent !== ""; steps++) {
      if (labelled.includes(parent)) return steps;
      parent = parents.get(parent);
    }
    return labelled.includes(id) ? 0 : -1;
  };
  const doomed = [...parents.keys()]
    .map((id) => ({ id, depth: depth(id) }))
    .filter((image) => image.depth >= 0);
  doomed.sort((a, b) => b.depth - a.depth);
  for (const image of doomed) await docker(["image", "rm", "-f", image.id], host);
}

/**
 * Processes whose command line or environment mentions `marker` (a run id): the engine clients a
 * SIGKILLed wheelwright leaves running until they finish on their own.
 */
export function processesOfRun(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    for (const file of ["cmdline", "environ"]) {
      try {
        if (readFileSync(`/proc/${entry}/${file}`).includes(marker)) {
          found.push(Number(entry));
          break;
        }
      } catch {
        // it ended, or is not ours to read
      }
    }
  }
  return found;
}
