// `npm run bench`: wheelwright against the seed's own commands (bench/seed/seed.sh) on the same
// projects: a generated Django application (issue 12's goals), examples/polls, and generated
// projects of growing size. Both sides run in alternating pairs; every ratio is the median of the
// pairwise ratios. Prints Markdown tables and writes every sample to bench/results/*.json.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { removeBenchImages } from "./cleanup.js";
import { djangoScenarios } from "./django-app.js";
import { type Load, startLoad } from "./load.js";
import { run } from "./measure.js";
import { type Options, parseOptions } from "./options.js";
import { pollsScenarios } from "./polls.js";
import { renderScaling, type ScalingRow, scaling } from "./scaling.js";
import { CLI, REPO } from "./sides.js";
import { type Row, renderTable } from "./table.js";

interface Results {
  django?: Row[];
  polls?: Row[];
  scaling?: ScalingRow[];
}

type Facts = Record<string, string>;

async function machineFacts(options: Options): Promise<Facts> {
  return {
    cpus: String(os.cpus().length),
    cpu: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    engine: await run("docker version --format '{{.Server.Version}}'"),
    client: await run("docker version --format '{{.Client.Version}}'"),
    load: options.load ? "stress-ng --cpu 1 beside both sides" : "none",
    date: new Date().toISOString(),
  };
}

function markdown(results: Results, options: Options, facts: Facts): string {
  const lines = [
    `wheelwright vs the seed's commands, ${options.runs} timed pair(s) per scenario, the two sides alternating;`,
    "median (min–max) of each side; ratio: the median (min–max) of the pairwise ratios, each wheelwright run",
    "divided by the seed run beside it.",
    `Machine: ${facts.cpus} CPUs, Node ${facts.node}, Docker engine ${facts.engine} (client ${facts.client}); load: ${facts.load}.`,
  ];
  if (results.django) {
    lines.push(
      "",
      "Generated Django app (bench/generate-django-app.py: 16 dependencies from the local index and one",
      "C-extension sdist of its own; wheelwright on `wheelwright init`'s scaffold), with issue 12's goals:",
      "",
      ...renderTable(results.django),
    );
  }
  if (results.polls) lines.push("", "examples/polls:", "", ...renderTable(results.polls));
  if (results.scaling) {
    lines.push(
      "",
      "Scaling (generated project; pure-Python wheels and a few C-extension sdists in a local index):",
      "",
      ...renderScaling(results.scaling),
    );
  }
  return `${lines.join("\n")}\n`;
}

function writeResults(results: Results, options: Options, facts: Facts, complete: boolean): string {
  const dir = path.join(REPO, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(
    dir,
    `bench-${facts.date!.replace(/[:.]/g, "-")}${options.quick ? "-quick" : ""}${complete ? "" : "-partial"}.json`,
  );
  writeFileSync(file, `${JSON.stringify({ version: 2, complete, facts, options, ...results }, null, 2)}\n`);
  return file;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!existsSync(CLI)) throw new Error("run `npm run build` first");
  // Ctrl-C reaches the running side too, which then fails its measurement: the error unwinds
  // through the clean-up below instead of leaving the run's images and load behind. A second
  // Ctrl-C stops at once. (A listener added with once() let the first Ctrl-C end the process.)
  let interrupts = 0;
  process.on("SIGINT", () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write("bench: interrupted: cleaning up (Ctrl-C again to stop now)\n");
  });
  const facts = await machineFacts(options);
  const work = mkdtempSync(path.join(os.tmpdir(), "wheelwright-bench-"));
  const results: Results = {};
  let load: Load | undefined;
  let complete = false;
  try {
    if (options.load) load = await startLoad();
    if (options.only.includes("django")) results.django = await djangoScenarios(options, work);
    if (options.only.includes("polls")) results.polls = await pollsScenarios(options, work);
    if (options.only.includes("scaling")) results.scaling = await scaling(options, work);
    complete = true;
  } finally {
    await load?.stop();
    if (Object.keys(results).length > 0) {
      process.stdout.write(markdown(results, options, facts));
      const file = writeResults(results, options, facts, complete);
      process.stderr.write(`bench: samples written to ${path.relative(process.cwd(), file)}\n`);
    }
    if (!options.keepImages) {
      const removed = await removeBenchImages(["polls", "shopfront", "scaleapp"]);
      process.stderr.write(`bench: removed ${removed} image(s) the run made (--keep-images keeps them)\n`);
    }
    // The seed's containers wrote root-owned files into its copies: a failure to remove them must
    // not hide the run's own error.
    await run(`rm -rf ${work}`).catch(() => "");
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
