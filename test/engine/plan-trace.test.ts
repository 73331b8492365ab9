// What runs is what was planned: for image, build, test, release, push and clean, the engine
// commands a real run starts (recorded by WHEELWRIGHT_TRACE) are exactly the commands its
// `--dry-run --json` plan printed: the same argv, the same environment, in the same order.
//
// Made comparable, not ignored: WHEELWRIGHT_RUN_ID fixes what a run would otherwise pick at random
// (container names, scratch folders, the candidate tag, the push's engine config folder), so the
// argv are compared verbatim. The one stated normalisation: a run also asks the engine questions
// (version, inspect, list) to decide what to do, and a plan prints decisions, not the questions;
// those read-only queries (QUERIES below) are set aside on the run's side, and a plan may hold
// none of them, so the filter can hide no planned step. Host-side steps a plan prints as shell
// (the release's context copy) are done natively by wheelwright and start no process.
//
// The commands run in order on one small fixture project (each needs what the one before made),
// push against a registry with htpasswd auth on 127.0.0.1, and `clean --all` removes what they made.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TraceLine } from "../../src/engine/process-trace.js";
import type { PrintablePlan } from "../../src/plan/plan.js";
import { runCli, sh } from "../support/cli.js";
import { engineOrSkip } from "../support/engine.js";
import { commitAll, git, makeLocalIndex, makeProject } from "../support/fixtures.js";
import { type Registry, startRegistry } from "../support/registry.js";
import { testRun } from "../support/test-run.js";

const APP = "plantrace";
const PASSWORD = `pw-TRACE-${Date.now()}`;

/** Read-only engine subcommands a run asks before it acts (never a plan's step). */
const QUERIES: readonly (readonly string[])[] = [
  ["version"],
  // The client's own answer (which context it resolves): no engine call at all.
  ["context", "inspect"],
  ["info"],
  ["buildx", "version"],
  ["image", "inspect"],
  ["image", "ls"],
  ["ps"],
  ["volume", "inspect"],
  ["network", "inspect"],
];
/** Read-only git subcommands (the commit, the dirty check, the remote). */
const GIT_READS = new Set(["rev-parse", "status", "log", "remote", "describe", "ls-files"]);

const isQuery = (argv: readonly string[]) =>
  QUERIES.some((words) => words.every((word, i) => argv[i + 1] === word));

interface Command {
  argv: readonly string[];
  env: Readonly<Record<string, string>>;
}

/** The plan's engine commands, in order. */
function plannedCommands(plan: PrintablePlan): Command[] {
  return plan.steps.flatMap((step) =>
    step.command === undefined ? [] : [{ argv: step.command.argv, env: step.command.env }],
  );
}

function readTrace(file: string): TraceLine[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as TraceLine);
}

/** Every process of the trace is the engine's or a git read; returns the engine's commands. */
function engineCommands(trace: readonly TraceLine[]): TraceLine[] {
  const other = trace.filter((line) => line.argv[0] !== "docker");
  const gitArgs = (argv: readonly string[]) => (argv[1] === "-C" ? argv.slice(3) : argv.slice(1));
  expect(other.filter((line) => !(line.argv[0] === "git" && GIT_READS.has(gitArgs(line.argv)[0]!)))).toEqual(
    [],
  );
  return trace.filter((line) => line.argv[0] === "docker");
}

let root: string;
let registry: Registry;
let traces: string;
let step = 0;

/**
 * `wheelwright ARGS --dry-run --json`, then `wheelwright ARGS` with the same run id, each traced;
 * the run must succeed. Returns the plan, and the engine commands of the dry run and of the run.
 */
async function planThenRun(
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<{ plan: PrintablePlan; dry: TraceLine[]; ran: TraceLine[] }> {
  step += 1;
  // Unique on this machine (container and scratch names derive from it), fixed within the pair.
  const env = { WHEELWRIGHT_RUN_ID: `${testRun().id}pt${step}`, ...options.env };
  const dryTrace = path.join(traces, `${step}-${args[0]}.dry.jsonl`);
  const runTrace = path.join(traces, `${step}-${args[0]}.run.jsonl`);
  writeFileSync(dryTrace, "");
  writeFileSync(runTrace, "");
  const dryRun = await runCli(["--json", ...args, "--dry-run"], {
    cwd: root,
    env: { ...env, WHEELWRIGHT_TRACE: dryTrace },
  });
  expect(dryRun.exitCode, dryRun.stderr).toBe(0);
  const plan = JSON.parse(dryRun.stdout) as PrintablePlan;
  const run = await runCli(args, {
    cwd: root,
    env: { ...env, WHEELWRIGHT_TRACE: runTrace },
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  expect(run.exitCode, run.stderr).toBe(0);
  return { plan, dry: engineCommands(readTrace(dryTrace)), ran: engineCommands(readTrace(runTrace)) };
}

/** The heart of it: the run's engine commands, queries set aside, are the plan's, verbatim. */
function expectRanAsPlanned(result: { plan: PrintablePlan; dry: TraceLine[]; ran: TraceLine[] }): void {
  const planned = plannedCommands(result.plan);
  expect(planned.length, "a plan with no engine command proves nothing").toBeGreaterThan(0);
  expect(
    planned.filter((command) => isQuery(command.argv)),
    "a planned step the query filter would hide",
  ).toEqual([]);
  const executed = result.ran
    .filter((line) => !isQuery(line.argv))
    .map((line) => ({ argv: line.argv, env: line.env }));
  expect(executed).toEqual(planned.map((command) => ({ argv: [...command.argv], env: { ...command.env } })));
  // And the dry run itself only asked.
  expect(result.dry.filter((line) => !isQuery(line.argv)).map((line) => line.argv)).toEqual([]);
}

function stepIds(plan: PrintablePlan): string[] {
  return plan.steps.filter((s) => s.command !== undefined).map((s) => s.id);
}

describe.skipIf(engineOrSkip())("the executed argv is the planned argv", () => {
  beforeAll(async () => {
    root = makeProject({
      scenario: APP,
      dependencies: ["tinydep"],
      extraToolConfig: `test-command = "python -c 'import ${APP}; assert ${APP}.VALUE == 1'"\n`,
    });
    // The release folder: the runtime wheels installed in a build stage, only the result copied.
    const install = (set: string) =>
      `COPY wheels/${set}/ /tmp/wheels/${set}/\nRUN pip install --no-index --find-links /tmp/wheels/${set} --no-deps --require-hashes --prefix /release/appenv -r /tmp/wheels/${set}/requirements.txt\n`;
    mkdirSync(path.join(root, "docker", "release"));
    writeFileSync(
      path.join(root, "docker", "release", "Dockerfile"),
      [
        `ARG BASE_IMAGE=${testRun().baseImage}`,
        `FROM \${BASE_IMAGE} AS deps\n${install("deps")}`,
        `FROM \${BASE_IMAGE} AS app\n${install("app")}`,
        "FROM ${BASE_IMAGE}",
        `CMD ["python", "-c", "import ${APP}"]`,
        "COPY --from=deps /release/ /",
        "COPY --from=app /release/ /",
        "USER 10001",
        "",
      ].join("\n"),
    );
    // A pip-compile style lock: pins on continuation lines with --hash, and a comment.
    const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
    const index = makeLocalIndex();
    writeFileSync(
      path.join(root, "requirements.lock"),
      [
        "# made by hand the way pip-compile --generate-hashes writes it",
        "tinyextra==1.0 \\",
        `    --hash=sha256:${sha256(path.join(index, "tinyextra-1.0.tar.gz"))}`,
        "tinydep==2.0 \\",
        `    --hash=sha256:${sha256(path.join(index, "tinydep-2.0.tar.gz"))}`,
        "    # via tinyextra",
        "",
      ].join("\n"),
    );
    commitAll(root, "release image, requirements.lock");
    traces = mkdtempSync(path.join(testRun().tempRoot, "traces-"));
    registry = await startRegistry({ user: "alice", password: PASSWORD });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("image --all: every image build", async () => {
    const result = await planThenRun(["image", "--all"]);
    expect(stepIds(result.plan)).toEqual(["image:base", "image:builder"]);
    expectRanAsPlanned(result);
  });

  it("build -r requirements.lock (hash-pinned, as pip-compile writes it): the cache volume, the builder session, the helper", async () => {
    const result = await planThenRun(["build", "-r", "requirements.lock"]);
    expect(result.plan.command).toBe("build -r requirements.lock");
    expect(stepIds(result.plan)).toEqual(expect.arrayContaining(["cache-volume", "builder", "helper"]));
    expectRanAsPlanned(result);
    const manifest = JSON.parse(readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8")) as {
      wheels: { name: string; sets: string[] }[];
    };
    expect(manifest.wheels.find((wheel) => wheel.name === "tinyextra")?.sets).toEqual([
      "requirements:requirements.lock",
    ]);
  });

  it("test: the test session (the cache volume now exists, so no step makes it)", async () => {
    const result = await planThenRun(["test"]);
    expect(stepIds(result.plan)).toEqual(expect.arrayContaining(["prepare", "tests"]));
    expect(stepIds(result.plan)).not.toContain("cache-volume");
    expectRanAsPlanned(result);
  });

  it("release: the candidate build, its check, the tags (the base image exists: not rebuilt)", async () => {
    const result = await planThenRun(["release", "v1"]);
    const ids = stepIds(result.plan);
    expect(ids).toEqual(expect.arrayContaining(["image:release", "check", "untag-candidate"]));
    expect(ids).not.toContain("image:base");
    expectRanAsPlanned(result);
  });

  it("push with --password-stdin: login, tag, push, digest; the password in no trace line", async () => {
    const sha = git(root, "rev-parse", "--short=12", "HEAD");
    const namespace = `${registry.address}/${testRun().namespace}`;
    await sh(`docker tag ${testRun().namespace}/${APP}-release:${sha} ${namespace}/${APP}-release:${sha}`);
    const result = await planThenRun(["push", "--username", "alice", "--password-stdin"], {
      env: {
        WHEELWRIGHT_NAMESPACE: namespace,
        DOCKER_CONFIG: mkdtempSync(path.join(testRun().tempRoot, "docker-config-")),
      },
      input: `${PASSWORD}\n`,
    });
    const ids = stepIds(result.plan);
    expect(ids).toContain("login");
    expect(ids.filter((id) => id.startsWith("push:"))).toHaveLength(2);
    expectRanAsPlanned(result);
    const login = result.ran.find((line) => line.argv[1] === "login")!;
    expect(login.stdin).toBe("text");
    for (const file of readdirSync(traces))
      expect(readFileSync(path.join(traces, file), "utf8")).not.toContain(PASSWORD);
  });

  it("clean --all: the project's containers, dangling images, cache volume", async () => {
    const result = await planThenRun(["clean", "--all"]);
    expect(stepIds(result.plan)).toContain("volume");
    expectRanAsPlanned(result);
  });
});
