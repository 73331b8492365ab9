// One builder session, from the builder's start to the verified wheel set it handed over: the
// session's inputs as planned for this sandbox, the host's early checks (each wheel as it arrives,
// and the host's own local index files as soon as the builder says it fetched them), and the
// verification while the builder's container is removed.
import type { LoadedProject } from "../config/load.js";
import { sameRequirements } from "../domain/manifest.js";
import { parseSize } from "../domain/sizes.js";
import { IntegrityError } from "../errors.js";
import { step } from "../events.js";
import { runBuildSession, type SessionInputs } from "../execute/build-session.js";
import { EarlyHostFiles } from "../execute/host-files.js";
import { type BuildSandbox, closeDuring } from "../execute/sandbox.js";
import { EarlyVerification, wheelSetOf } from "../execute/wheel-set.js";
import { readScmVersion } from "../project/scm-version.js";
import { type BuildFacts, type Decision, helperFor } from "./build-decision.js";
import type { WorkflowContext } from "./context.js";
import type { FetchedSdistWheels } from "./sdist-cache.js";
import { sdistWheelsRequest } from "./sdist-cache-build.js";

export type Variant = { workSuffix: string; env: Record<string, string> };

/** What one builder session works with (the second of a --check-reproducible run has its own). */
interface OneRun {
  ctx: WorkflowContext;
  project: LoadedProject;
  facts: BuildFacts;
  decision: Decision;
  sandbox: BuildSandbox;
  /** The new folder the builder's output is received into. */
  intoDir: string;
  variant: Variant | undefined;
  cached: FetchedSdistWheels | undefined;
}

/** One builder session, from its start to the verified wheel set it handed over (received into `intoDir`). */
export async function buildOnce(
  ctx: WorkflowContext,
  project: LoadedProject,
  facts: BuildFacts,
  decision: Decision,
  startSandbox: () => Promise<BuildSandbox>,
  intoDir: string,
  variant?: Variant,
  cached?: FetchedSdistWheels,
) {
  const sandbox = await step(
    ctx.emit,
    "builder",
    "start the builder",
    startSandbox,
    ctx.clock,
    (s) => s.description,
  );
  // The host verifies each wheel as it arrives, while the rest are still being copied out; its own
  // local index files the builder fetched, as soon as it says so (their copies beside intoDir).
  const early = new EarlyVerification(facts.store);
  const hostFiles = new EarlyHostFiles(`${intoDir}.host`, early.onFile);
  try {
    const run = { ctx, project, facts, decision, sandbox, intoDir, variant, cached };
    return await verifiedSession(run, early, hostFiles);
  } finally {
    hostFiles.dispose();
  }
}

async function verifiedSession(run: OneRun, early: EarlyVerification, hostFiles: EarlyHostFiles) {
  const { ctx, project, facts, decision, sandbox, cached } = run;
  let session: Awaited<ReturnType<typeof runBuildSession>>;
  try {
    const scmVersion =
      facts.scmCommit === undefined ? undefined : await readScmVersion(project.root, ctx.runner, ctx.env);
    session = await runBuildSession({ ...sessionInputs(run, scmVersion), onWheel: early.onFile, hostFiles });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  // What the builder made is on the host now: its container is removed while the host verifies it.
  const set = await closeDuring(sandbox, () =>
    step(
      ctx.emit,
      "verify",
      "verify every wheel as an installer would",
      () =>
        wheelSetOf(
          session.received,
          { appName: project.metadata.name, handedIn: new Set(cached?.wheels.map((w) => w.sha256)) },
          facts.store,
          undefined,
          early,
        ),
      ctx.clock,
    ),
  );
  if (
    decision.mode.kind === "app-only" &&
    !session.full &&
    !sameRequirements(set.app.requires, decision.mode.previous.app.requires)
  )
    throw new IntegrityError(
      "The application's wheel requires other packages than the builder reported while building it",
    );
  return { session, set };
}

function sessionInputs(run: OneRun, scmVersion: string | undefined): SessionInputs {
  const { ctx, project, facts, decision, sandbox, intoDir, variant, cached } = run;
  const { config } = project;
  const helper = (appOnly: boolean) => {
    const paths =
      variant === undefined
        ? sandbox.paths
        : { ...sandbox.paths, work: `${sandbox.paths.work}${variant.workSuffix}` };
    const planned = helperFor(
      project,
      facts,
      decision,
      { paths, python: sandbox.python },
      appOnly,
      scmVersion,
      sdistWheelsRequest(cached, sandbox.paths.wheels),
    );
    return variant === undefined ? planned : { ...planned, env: { ...planned.env, ...variant.env } };
  };
  const appOnly = decision.mode.kind === "app-only" && variant === undefined;
  return {
    sandbox,
    tree: decision.inputs.tree,
    helper: helper(appOnly),
    fullHelper: appOnly ? helper(false) : undefined,
    previousRequires: decision.mode.kind === "app-only" ? decision.mode.previous.app.requires : undefined,
    netrc: facts.netrc,
    ...(cached === undefined
      ? {}
      : { cachedWheels: { dir: cached.dir, files: cached.wheels.map((w) => w.filename) } }),
    timeoutSeconds: config.timeout.value,
    memory: config.memory.value,
    container: !sandbox.description.startsWith("local"),
    limits: {
      maxFiles: config.maxOutputFiles.value,
      maxFileBytes: parseSize(config.maxWheelSize.value),
      maxTotalBytes: parseSize(config.maxOutputSize.value),
    },
    intoDir,
    store: facts.store,
    signal: ctx.signal,
    emit: ctx.emit,
    clock: ctx.clock,
  };
}
