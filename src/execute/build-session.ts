// One builder session of a wheelhouse build: the source and the helper's inputs copied in, the helper
// run (once, or twice when an app-only build finds the app's requirements changed), the builder
// frozen and its handoff folder received through the host's checks. The caller owns the sandbox.
import { sameRequirements } from "../domain/manifest.js";
import { type EventSink, step } from "../events.js";
import type { HelperInvocation } from "../plan/helper-session.js";
import type { SourceTree } from "../project/source-tree.js";
import { explainHelperFailure } from "./build-failure.js";
import type { OutputLimits, ReceivedFile, ReceivedOutput } from "./builder-output.js";
import { takeHeldWheels } from "./held-wheels.js";
import { type EarlyHostFiles, takeHostFiles } from "./host-files.js";
import type { ResultStore } from "./result-store.js";
import { runHelper } from "./run-helper.js";
import type { BuildSandbox } from "./sandbox.js";
import { receiveOutput } from "./wheel-set.js";

export interface SessionInputs {
  sandbox: BuildSandbox;
  tree: SourceTree;
  /** The helper's run as planned for this sandbox's paths; a second one for a full pass. */
  helper: HelperInvocation;
  fullHelper: HelperInvocation | undefined;
  /** In app-only mode: the previous app wheel's requirements (a change means a full pass). */
  previousRequires: readonly string[] | undefined;
  netrc: string;
  /** Wheels from the registry wheel cache to copy into the builder's wheels folder (issue 13). */
  cachedWheels?: { dir: string; files: readonly string[] };
  timeoutSeconds: number;
  memory: string | undefined;
  container: boolean;
  limits: OutputLimits;
  /** The new folder the output is received into. */
  intoDir: string;
  /** Told of each wheel once it is whole on the host. */
  onWheel?: (file: ReceivedFile) => void;
  /** Where the host takes the wheels the helper says it holds (those the request offered). */
  store?: ResultStore;
  /** The host's early copies of its own files the helper hints at (read while the builder works). */
  hostFiles?: EarlyHostFiles;
  signal: AbortSignal;
  emit: EventSink;
  clock: () => number;
}

export interface SessionResult {
  received: ReceivedOutput;
  /** Whether the dependency wheels were built too (false: app only, the previous ones are reused). */
  full: boolean;
}

export async function runBuildSession(inputs: SessionInputs): Promise<SessionResult> {
  const { sandbox, emit, clock } = inputs;
  await step(
    emit,
    "source",
    `copy the source in (${fileCount(inputs.tree.files.length)})`,
    // One copy for all of it (the helper goes with it into a container): each engine copy costs
    // a process of the engine's own, and three at once were a third of an app-only build's copying.
    async () => {
      const cachedWheels = inputs.cachedWheels;
      await sandbox.putInputs({
        source: { files: inputs.tree.files.map((file) => file.path), dir: inputs.tree.dir },
        ...(cachedWheels !== undefined && cachedWheels.files.length > 0 ? { wheels: cachedWheels } : {}),
        files: [
          ...(inputs.netrc !== ""
            ? [{ dir: sandbox.paths.home, files: [{ name: ".netrc", content: inputs.netrc, mode: 0o600 }] }]
            : []),
          { dir: sandbox.paths.input, files: [requestFile(inputs.helper)] },
        ],
      });
    },
    clock,
  );
  offerHostFiles(inputs, inputs.helper);
  const first = await helperPass(inputs, inputs.helper);
  let full = !inputs.helper.request.appOnly;
  if (!full && !sameRequirements(first.app?.requires ?? [], inputs.previousRequires ?? [])) {
    emit({ type: "notice", message: "the application's requirements changed: building every wheel" });
    await sandbox.run(["sh", "-c", `rm -rf '${sandbox.paths.out}' && mkdir -p '${sandbox.paths.out}'`]);
    await putRequest(sandbox, inputs.fullHelper!);
    offerHostFiles(inputs, inputs.fullHelper!);
    await helperPass(inputs, inputs.fullHelper!);
    full = true;
  }
  const last = full && inputs.fullHelper !== undefined ? inputs.fullHelper : inputs.helper;
  const { output: received } = await step(
    emit,
    "copy-out",
    "copy the wheels out (each entry checked)",
    () => copyOut(inputs, last),
    clock,
    ({ output, held, read }) => copiedDetail(output.files.length, held, read),
  );
  return { received, full };
}

/**
 * The builder's output received, with the wheels it names as held (from the result store) or as
 * the host's own files (from the host's local index folders) added.
 */
async function copyOut(inputs: SessionInputs, last: HelperInvocation) {
  // The host's own files are read as the builder named them, before its output is taken.
  await inputs.hostFiles?.settled();
  const { sandbox, intoDir, limits, onWheel } = inputs;
  const copied = await receiveOutput(sandbox, intoDir, limits, onWheel);
  const offered = last.request.hostWheels ?? [];
  const { output, held } =
    offered.length === 0 || inputs.store === undefined
      ? { output: copied, held: 0 }
      : await takeHeldWheels(copied, offered, inputs.store, intoDir, onWheel);
  const folders = last.request.hostFolders ?? [];
  if (folders.length === 0) return { output, held, read: 0 };
  const local = await takeHostFiles(output, folders, intoDir, onWheel, inputs.hostFiles, limits);
  return { output: local.output, held, read: local.taken };
}

/** What this pass's builder may hint at: files of the folders its request offers, not those it holds. */
function offerHostFiles(inputs: SessionInputs, helper: HelperInvocation): void {
  const { hostFolders = [], hostWheels = [] } = helper.request;
  inputs.hostFiles?.offer(
    hostFolders,
    hostWheels.map((wheel) => wheel.filename),
    inputs.limits,
  );
}

const fileCount = (count: number): string => `${count} ${count === 1 ? "file" : "files"}`;

/** What the copy-out step took from where: the builder, the result store, the host's local indexes. */
function copiedDetail(total: number, held: number, read: number): string {
  if (held === 0 && read === 0) return fileCount(total);
  const parts = [`${fileCount(total - held - read)} copied`];
  if (held > 0) parts.push(`${held} already on the host, taken from its result store`);
  if (read > 0) parts.push(`${read} read from the host's own local index folders`);
  return parts.join("; ");
}

const requestFile = (helper: HelperInvocation) => ({
  name: "request.json",
  content: JSON.stringify(helper.request),
  mode: 0o644,
});

function putRequest(sandbox: BuildSandbox, helper: HelperInvocation): Promise<void> {
  return sandbox.putFiles(sandbox.paths.input, [requestFile(helper)]);
}

/** Runs the helper on its request, which the caller has put in. */
async function helperPass(inputs: SessionInputs, helper: HelperInvocation) {
  const { sandbox } = inputs;
  const result = await runHelper({
    sandbox,
    argv: helper.argv,
    env: helper.env,
    timeoutMs: inputs.timeoutSeconds * 1000,
    signal: inputs.signal,
    emit: inputs.emit,
    clock: inputs.clock,
    ...(inputs.hostFiles === undefined ? {} : { onHostFile: inputs.hostFiles.hint }),
  });
  if (result.exitCode !== 0 || result.aborted) {
    throw await explainHelperFailure(result, {
      sandbox,
      signal: inputs.signal,
      timeoutSeconds: inputs.timeoutSeconds,
      memory: inputs.memory,
      container: inputs.container,
      lock: helper.request.lock?.path,
    });
  }
  return result;
}
