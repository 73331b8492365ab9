// How the benchmark runs each side: wheelwright's built CLI (dist/bundle/wheelwright.js, what the package's bin runs) under the bench's
// own namespace, and the seed's commands (bench/seed/seed.sh). Image names on both sides start
// with `wwbench`, so the benchmark can remove every image it made and nothing else.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Measurement, measure, run, setupStep } from "./measure.js";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CLI = path.join(REPO, "dist", "bundle", "wheelwright.js");
export const SEED = path.join(REPO, "bench", "seed", "seed.sh");
/** wheelwright's namespace in the benchmark: its images are wwbench/<app>-<folder>. */
export const NS = "wwbench";
/** The seed's images (seed.sh's names): base, builder, and the release tags the benchmark gives. */
export const SEED_NS = "wwbench-seed";
export const SEED_BASE = `${SEED_NS}/base:latest`;

/** The environment every wheelwright run gets: the bench namespace, CI-style output. */
export const wwEnv = (env: Record<string, string> = {}): Record<string, string> => ({
  WHEELWRIGHT_NAMESPACE: NS,
  CI: "true",
  ...env,
});

export const ww = (args: string[], cwd: string, env: Record<string, string> = {}): Promise<Measurement> =>
  measure(["node", CLI, ...args], { cwd, env: wwEnv(env) });

export const seed = (args: string[], env: Record<string, string> = {}): Promise<Measurement> =>
  measure(["bash", SEED, ...args], { env: { SEED_NS, ...env } });

export const git = (cwd: string, command: string): Promise<string> =>
  run(`git -c user.name=bench -c user.email=bench@localhost ${command}`, { cwd });

/** A project folder under git with one commit of everything in it (wheelwright tags images by commit). */
export async function commitAll(cwd: string, message: string): Promise<void> {
  await git(cwd, "init -q -b main");
  await git(cwd, "add -A");
  await git(cwd, `commit -qm ${JSON.stringify(message)}`);
}

/** An image's size in MB, or undefined when the engine has no such image. */
export async function imageSize(ref: string): Promise<number | undefined> {
  const out = await run(`docker image inspect -f '{{.Size}}' ${ref}`).catch(() => "");
  return out === "" ? undefined : Number(out) / 1e6;
}

/** The seed's base and builder images (a cached no-op once built). */
export const buildSeedImages = (): Promise<string> =>
  setupStep("the seed's images", () => run(`bash ${SEED} image`, { env: { SEED_NS } }));
