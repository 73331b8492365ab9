// podman beside the Docker engine, for the podman engine tests: whether it works, the run's test
// images moved into it (`docker save | podman load`), and what a test run left in it. podman has
// no daemon, so the run's global teardown (which asks docker) does not see it: the tests clean up.
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa, execaSync } from "execa";
import { RUN_ID_PATTERN, RUN_LABEL, RUN_PREFIX, type TestRun } from "./run-facts.js";

export function podmanSync(args: string[]): { exitCode: number; stdout: string; stderr: string } {
  const result = execaSync("podman", args, { reject: false, timeout: 120_000 });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Whether podman can work here (`podman info` opens its storage), and if not, why. */
export function podmanStatus(): { works: boolean; why: string } {
  try {
    const info = podmanSync(["info", "--format", "{{.Version.Version}}"]);
    return info.exitCode === 0
      ? { works: true, why: `podman ${info.stdout.trim()}` }
      : { works: false, why: info.stderr.trim().split("\n").slice(-2).join(" ") };
  } catch (error) {
    return { works: false, why: error instanceof Error ? error.message : String(error) };
  }
}

/** Copies images from the Docker engine into podman's storage (the README's way). */
export async function loadIntoPodman(images: readonly string[]): Promise<void> {
  const result = await execa(
    "bash",
    ["-o", "pipefail", "-c", 'docker save "$@" | podman load', "bash", ...images],
    {
      reject: false,
    },
  );
  if (result.exitCode !== 0) throw new Error(`docker save | podman load failed: ${result.stderr}`);
}

const lines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

export interface PodmanLeftovers {
  containers: string[];
  images: string[];
  volumes: string[];
}

/**
 * What podman holds of a test run: containers and images carrying the run's label (images built
 * FROM its test images inherit it, containers their image's labels), images named in its
 * namespace, and volumes named after it (the projects' cache volumes).
 */
export function podmanObjectsOf(run: TestRun): PodmanLeftovers {
  const labelled = ["--filter", `label=${RUN_LABEL}=${run.id}`];
  const containers = lines(podmanSync(["ps", "-a", "--format", "{{.Names}}", ...labelled]).stdout);
  const byLabel = lines(podmanSync(["image", "ls", "-a", "-q", "--no-trunc", ...labelled]).stdout);
  const byName = lines(podmanSync(["image", "ls", "--format", "{{.ID}} {{.Repository}}"]).stdout)
    // `/wwtest-<id>/` or a fork's `/wwtest-<id>-w2/` (test-run.ts)
    .filter((line) => line.includes(`/${run.namespace}/`) || line.includes(`/${run.namespace}-w`))
    .map((line) => line.split(" ")[0]!);
  const volumes = lines(podmanSync(["volume", "ls", "--format", "{{.Name}}"]).stdout).filter((name) =>
    name.includes(run.namespace),
  );
  const images = [...new Set([...byLabel, ...byName].map((id) => id.replace(/^sha256:/, "").slice(0, 12)))];
  return { containers, images, volumes };
}

/** Removes what podman holds of the run; returns what is still there afterwards. */
export function removePodmanObjects(run: TestRun): PodmanLeftovers {
  const found = podmanObjectsOf(run);
  if (found.containers.length > 0) podmanSync(["rm", "-f", "-v", ...found.containers]);
  if (found.images.length > 0) podmanSync(["image", "rm", "-f", ...found.images]);
  for (const volume of found.volumes) podmanSync(["volume", "rm", "-f", volume]);
  return podmanObjectsOf(run);
}

/** The run's registration (global-setup.ts): one file per run that is going, holding its pid. */
function runIsGoing(runId: string): boolean {
  try {
    const { pid } = JSON.parse(
      readFileSync(path.join(tmpdir(), "wheelwright-test-runs", `${runId}.json`), "utf8"),
    ) as { pid: number };
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes what killed earlier runs left in podman (the global sweep asks docker only): images,
 * containers and volumes named after a run that is no longer going. Only this suite uses podman
 * here, so a run id that is not registered any more counts as gone.
 */
export function sweepGonePodmanRuns(current: TestRun): void {
  const named = [
    ...podmanSync(["image", "ls", "--format", "{{.Repository}}"]).stdout.split("\n"),
    ...podmanSync(["ps", "-a", "--format", "{{.Names}} {{.Labels}}"]).stdout.split("\n"),
    ...podmanSync(["volume", "ls", "--format", "{{.Name}}"]).stdout.split("\n"),
  ];
  const gone = new Set(
    named
      .map((line) => RUN_ID_PATTERN.exec(line)?.[1])
      .filter((id): id is string => id !== undefined && id !== current.id && !runIsGoing(id)),
  );
  for (const id of gone) removePodmanObjects({ ...current, id, namespace: `${RUN_PREFIX}${id}` });
}
