// Removes every image the benchmark made: the seed's (named wwbench-seed/...), wheelwright's
// (wwbench/<app>-<folder>), and the untagged ones wheelwright labelled for a bench project (the
// legacy builder keeps each stage of a multi-stage release build as an untagged image). Nothing
// else on the shared engine is touched.
import { run } from "./measure.js";
import { NS, SEED_NS } from "./sides.js";

async function benchImages(apps: string[]): Promise<string[]> {
  const found = new Set<string>();
  const filters = [
    `reference=${NS}/*`,
    `reference=${SEED_NS}/*`,
    ...apps.map((app) => `label=io.wheelwright.project=${NS}/${app}`),
  ];
  for (const filter of filters) {
    const out = await run(`docker images -a -q --no-trunc --filter '${filter}'`);
    for (const id of out.split("\n")) if (id !== "") found.add(id);
  }
  return [...found];
}

/** Removes them child first: an image with children is refused, so pass again until nothing goes. */
export async function removeBenchImages(apps: string[]): Promise<number> {
  let removed = 0;
  for (let pass = 0; pass < 10; pass++) {
    const images = await benchImages(apps);
    let progress = 0;
    for (const id of images) {
      // -f: an image tagged twice (:sha and :latest) is removed by id only when forced.
      if (
        await run(`docker rmi -f ${id} >/dev/null 2>&1`).then(
          () => true,
          () => false,
        )
      )
        progress++;
    }
    removed += progress;
    if (images.length === 0 || progress === 0) break;
  }
  return removed;
}
