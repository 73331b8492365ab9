// Finds and removes what test runs left on the engine: containers, images, volumes and networks
// whose name or labels carry `wwtest-<run id>` (or the run label). Only those: debian:bookworm-slim,
// other projects' images and the objects of a run that is still going are never touched.
import { execaSync } from "execa";
import { RUN_ID_PATTERN, RUN_LABEL } from "./run-facts.js";

export interface EngineObject {
  kind: "container" | "image" | "volume" | "network";
  /** What `docker <kind> rm` takes: a container or image id, a volume or network name, an image ref. */
  id: string;
  /** For people: names or tags. */
  shown: string;
  runId: string;
}

function docker(args: string[]): string {
  const result = execaSync("docker", args, { reject: false });
  if (result.exitCode !== 0) throw new Error(`docker ${args.join(" ")} failed: ${String(result.stderr)}`);
  return String(result.stdout);
}

const lines = (text: string) => text.split("\n").filter((line) => line.trim() !== "");

function runOf(...texts: (string | undefined)[]): string | undefined {
  for (const text of texts) {
    const match = text === undefined ? null : RUN_ID_PATTERN.exec(text);
    if (match) return match[1];
  }
  return undefined;
}

function containers(): EngineObject[] {
  const format = `{{.ID}}\t{{.Names}}\t{{.Label "io.wheelwright.project"}}\t{{.Label "${RUN_LABEL}"}}`;
  return lines(docker(["ps", "-a", "--no-trunc", "--format", format])).flatMap((line) => {
    const [id, names, project, run] = line.split("\t");
    const runId = run || runOf(names, project);
    return runId && id ? [{ kind: "container" as const, id, shown: names ?? id, runId }] : [];
  });
}

/** Tagged images by each test ref, untagged ones (stage caches) by id when their labels name a run. */
function images(): EngineObject[] {
  const listed = lines(
    docker(["image", "ls", "--no-trunc", "--format", "{{.ID}}\t{{.Repository}}:{{.Tag}}"]),
  );
  const refsById = new Map<string, string[]>();
  for (const line of listed) {
    const [id, ref] = line.split("\t") as [string, string];
    refsById.set(id, [...(refsById.get(id) ?? []), ...(ref === "<none>:<none>" ? [] : [ref])]);
  }
  if (refsById.size === 0) return [];
  const labels = new Map<string, Record<string, string>>();
  // Other users of the engine may remove an image between the list and this: those are left out.
  const inspected = execaSync(
    "docker",
    ["image", "inspect", "--format", "{{.Id}}\t{{json .Config.Labels}}", ...refsById.keys()],
    { reject: false },
  );
  for (const line of lines(String(inspected.stdout))) {
    const [id, json] = line.split("\t") as [string, string];
    labels.set(id, (JSON.parse(json) as Record<string, string> | null) ?? {});
  }
  const found: EngineObject[] = [];
  for (const [id, refs] of refsById) {
    const label = labels.get(id) ?? {};
    const labelRun = label[RUN_LABEL] || runOf(label["io.wheelwright.project"]);
    const testRefs = refs.filter((ref) => runOf(ref) !== undefined);
    if (testRefs.length > 0) {
      for (const ref of testRefs) found.push({ kind: "image", id: ref, shown: ref, runId: runOf(ref)! });
    } else if (refs.length === 0 && labelRun !== undefined) {
      found.push({ kind: "image", id, shown: `<none> ${id.slice(7, 19)}`, runId: labelRun });
    }
  }
  return found;
}

function named(kind: "volume" | "network"): EngineObject[] {
  return lines(docker([kind, "ls", "--format", "{{.Name}}"])).flatMap((name) => {
    const runId = runOf(name);
    return runId ? [{ kind, id: name, shown: name, runId }] : [];
  });
}

/** Everything of test runs on the engine now (only the runs `wanted` says yes to). */
export function testObjects(wanted: (runId: string) => boolean): EngineObject[] {
  return [...containers(), ...images(), ...named("volume"), ...named("network")].filter((object) =>
    wanted(object.runId),
  );
}

/**
 * Removes the objects of the runs `wanted` says yes to: containers first (they hold images and
 * volumes), then images (children before parents: repeated while a round removes something), then
 * volumes and networks. Returns what is still there.
 */
export function sweepEngine(wanted: (runId: string) => boolean): EngineObject[] {
  const remove = (args: string[]) => execaSync("docker", args, { reject: false }).exitCode === 0;
  for (const container of testObjects(wanted).filter((o) => o.kind === "container")) {
    remove(["rm", "-f", "-v", container.id]);
  }
  for (let round = 0; round < 5; round++) {
    const left = testObjects(wanted).filter((o) => o.kind === "image");
    if (left.length === 0) break;
    // Untag by ref (an image that also has a tag of someone else's keeps it); dangling ones by id.
    const removed = left.filter((image) => remove(["image", "rm", image.id])).length;
    if (removed === 0) break;
  }
  for (const object of testObjects(wanted).filter((o) => o.kind === "volume" || o.kind === "network")) {
    remove([object.kind, "rm", "-f", object.id]);
  }
  return testObjects(wanted);
}
