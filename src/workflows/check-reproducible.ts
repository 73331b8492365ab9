// `build --check-reproducible`: after the build, the same set is built a second time in a fresh
// builder under other conditions (another build folder, hostname and time zone, a later time, and
// empty caches, so everything is compiled again), and every wheel is compared byte for byte. The
// umask is not varied: the helper sets 022 and gives the source copy git's modes in every build. A difference names the wheel and the members that differ (and shows
// diffoscope's summary where it is installed); nothing is published then.
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { NotReproducibleError } from "../errors.js";
import type { ReceivedOutput } from "../execute/builder-output.js";
import { differingMembers, diffoscopeSummary } from "../execute/wheel-diff.js";
import type { BuildFacts, Decision } from "./build-decision.js";
import { buildOnce } from "./build-once.js";
import { prepareBuilder } from "./builder.js";
import type { WorkflowContext } from "./context.js";

const AGAIN = "again";
/** A time zone far from UTC, with a half-hour offset: a build that writes local times shows it. */
const OTHER_TZ = "Asia/Kathmandu";

export async function checkReproducible(
  ctx: WorkflowContext,
  project: LoadedProject,
  facts: BuildFacts,
  decision: Decision,
  first: ReceivedOutput,
  intoDir: string,
): Promise<{ checked: true; conditions: string[] }> {
  ctx.emit({
    type: "notice",
    message: "building the set a second time, in a fresh builder under other conditions",
  });
  const conditions = [
    `another build folder (work-${AGAIN})`,
    `another hostname (wheelwright-${AGAIN})`,
    `TZ=${OTHER_TZ}`,
    "empty caches (everything compiled again)",
  ];
  const prepared = await prepareBuilder(ctx, facts.choice, facts.index, facts.runId, { suffix: AGAIN });
  const freshDecision: Decision = { ...decision, mode: { kind: "full", reason: "--check-reproducible" } };
  const freshFacts: BuildFacts = { ...facts, request: { ...facts.request, force: true } };
  const { session } = await buildOnce(
    ctx,
    project,
    freshFacts,
    freshDecision,
    prepared.startSandbox,
    intoDir,
    {
      workSuffix: `-${AGAIN}`,
      env: { TZ: OTHER_TZ },
    },
  );
  const second = new Map(session.received.files.map((file) => [file.filename, file]));
  const differences: string[] = [];
  for (const file of first.files) {
    const other = second.get(file.filename);
    if (other === undefined) {
      differences.push(`${file.filename}: the second build made no such wheel`);
      continue;
    }
    if (other.sha256 === file.sha256) continue;
    differences.push(...(await describeDifference(ctx, file.path, other.path, file.filename)));
  }
  for (const name of second.keys())
    if (!first.files.some((file) => file.filename === name))
      differences.push(`${name}: only the second build made it`);
  if (differences.length > 0) {
    throw new NotReproducibleError("The second build gave other bytes: the wheels are not reproducible", {
      details: differences,
      hint: "The members named above differ between two builds of the same inputs. Whatever writes them (a build time, a path, an unordered listing) must be fixed at its source; SOURCE_DATE_EPOCH is set in both builds.",
    });
  }
  return { checked: true, conditions };
}

async function describeDifference(
  ctx: WorkflowContext,
  a: string,
  b: string,
  filename: string,
): Promise<string[]> {
  const members = await differingMembers(a, b, filename);
  const lines = [
    `${filename}: ${members.length === 0 ? "the same members, other zip fields (member order, times or modes)" : `members differ: ${members.slice(0, 10).join(", ")}${members.length > 10 ? ", ..." : ""}`}`,
  ];
  const report = await diffoscopeSummary(a, b, ctx.runner, ctx.env);
  if (report !== undefined) lines.push(...report.slice(0, 20).map((line) => `  ${line}`));
  else lines.push(`  (install Debian's diffoscope for a report of what differs inside ${path.basename(a)})`);
  return lines;
}
