// A wheelhouse build, start to finish: lock, decide (up to date / app only / full), run the helper in
// the sandbox, copy out, verify, write the manifest, publish atomically. Every exit path releases
// the lock, removes the staging folder and stops the builder.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import type { IndexSettings } from "../domain/index-settings.js";
import {
  type HelperReport,
  MANIFEST_FILE,
  MANIFEST_SCHEMA_VERSION,
  type Manifest,
  type ManifestWheel,
  REQUIREMENTS_FILE,
  requirementsText,
  sameRequirements,
} from "../domain/manifest.js";
import { normalizeName } from "../domain/names.js";
import { IntegrityError, ResourceError } from "../errors.js";
import { type EventSink, step } from "../events.js";
import { type BuildMode, chooseBuildMode } from "../plan/build-plan.js";
import { type BuildInputs, type BuildRequest, collectBuildInputs } from "../project/build-inputs.js";
import { sha256File } from "../project/source-tree.js";
import { type HelperMessage, helperError, parseHelperLine } from "./helper-result.js";
import type { ResultStore } from "./result-store.js";
import type { BuildSandbox } from "./sandbox.js";

import {
  checkOutputWritable,
  createStaging,
  findDamagedWheels,
  publish,
  readManifest,
  recoverWheelhouse,
} from "./wheelhouse.js";
import { lockWheelhouse } from "./wheelhouse-lock.js";

export interface BuildOptions {
  project: LoadedProject;
  request: BuildRequest;
  force: boolean;
  index: IndexSettings;
  /** Identifies the builder expected (its image folders' content hash, or the local Python): part of the fingerprint. */
  builderId: string;
  /** Detects the engine and readies the builder; called only when a build must run. */
  prepare: () => Promise<PreparedBuilder>;
  /** Wheel sets built before, by fingerprint (undefined: no store). */
  store?: ResultStore;

  sourceDateEpoch: number | undefined;
  toolVersion: string;
  runId: string;
  emit: EventSink;
  signal: AbortSignal;
  clock: () => number;
}

export interface PreparedBuilder {
  /** The builder that will really run (may differ from the one expected). */
  builderId: string;
  startSandbox: () => Promise<BuildSandbox>;
}

export interface BuildOutcome {
  status: "up-to-date" | "built" | "restored";
  mode: BuildMode;
  manifest: Manifest;
  wheelhouse: string;
}

export async function runBuild(options: BuildOptions): Promise<BuildOutcome> {
  const { project, emit } = options;
  const wheelhouse = project.wheelhouseDir;
  checkOutputWritable(wheelhouse);
  const lock = lockWheelhouse(wheelhouse, `wheelwright build ${options.request.extras.join(" ")}`.trim());
  try {
    recoverWheelhouse(wheelhouse);
    let inputs = collectBuildInputs(options);
    const previous = readManifest(wheelhouse);
    const intact = previous !== undefined && findDamagedWheels(wheelhouse, previous).length === 0;
    let mode = chooseBuildMode(inputs.fingerprints, previous, intact, options.force);
    if (mode.kind === "up-to-date" && previous !== undefined) {
      return { status: "up-to-date", mode, manifest: previous, wheelhouse };
    }
    const stored = options.force ? undefined : options.store?.findSet(inputs.fingerprints.fingerprint);
    if (stored !== undefined) {
      emit({ type: "notice", message: `restoring from the result store: ${mode.reason}` });
      const restored = restoreFromStore(stored, options);

      if (restored)
        return {
          status: "restored",
          mode: { kind: "full", reason: "restored from the result store" },
          manifest: stored,
          wheelhouse,
        };
    }
    if (mode.kind === "full" && !options.force) {
      // The wheelhouse is gone or damaged, but these dependency inputs were built before.
      const sameDeps = options.store?.findDependencies(inputs.fingerprints.dependencyFingerprint);
      if (sameDeps !== undefined)
        mode = {
          kind: "app-only",
          reason: "only the application's own code changed (dependency wheels from the result store)",
          previous: sameDeps,
          reuseFrom: "store",
        };
    }
    // Only now is the engine asked: an up-to-date check must not cost engine calls.
    const prepared = await options.prepare();
    if (prepared.builderId !== options.builderId) {
      // The engine that answered is not the one expected (e.g. docker down, local used instead).
      inputs = collectBuildInputs({ ...options, builderId: prepared.builderId });
      mode = chooseBuildMode(inputs.fingerprints, previous, intact, options.force);
      if (mode.kind === "up-to-date" && previous !== undefined) {
        return { status: "up-to-date", mode, manifest: previous, wheelhouse };
      }
    }
    emit({ type: "notice", message: `building: ${mode.reason}` });
    const staging = createStaging(wheelhouse, options.runId);
    try {
      const manifest = await buildInto(staging, inputs, mode, { ...options, ...prepared });
      options.signal.throwIfAborted();
      publish(wheelhouse, staging, options.runId);
      options.store?.save(manifest, wheelhouse);
      return { status: "built", mode, manifest, wheelhouse };
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  } finally {
    lock.release();
  }
}

/** Publishes a stored set (every hash checked as it is copied); false when the store let us down. */
function restoreFromStore(manifest: Manifest, options: BuildOptions): boolean {
  const wheelhouse = options.project.wheelhouseDir;
  const staging = createStaging(wheelhouse, options.runId);
  try {
    for (const wheel of manifest.wheels) {
      if (!options.store!.copyOut(wheel.sha256, path.join(staging, wheel.filename))) return false;
    }
    writeFileSync(path.join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(path.join(staging, REQUIREMENTS_FILE), requirementsText(manifest));
    options.signal.throwIfAborted();
    publish(wheelhouse, staging, options.runId);
    return true;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function buildInto(
  staging: string,
  inputs: BuildInputs,
  mode: BuildMode,
  options: BuildOptions & PreparedBuilder,
): Promise<Manifest> {
  const { emit } = options;
  const raw = path.join(staging, ".raw");
  mkdirSync(raw);
  const sandbox = await step(
    emit,
    "builder",
    "start the builder",
    options.startSandbox,
    options.clock,
    (s) => s.description,
  );
  let report: HelperReport;
  let reused: ManifestWheel[] = [];
  try {
    await step(emit, "source", `copy the source in (${inputs.tree.files.length} files)`, () =>
      sandbox.putSource(
        inputs.tree.files.map((file) => file.path),
        inputs.tree.dir,
      ),
    );
    if (mode.kind === "app-only") {
      const app = await runHelper(sandbox, inputs, options, true);
      if (sameRequirements(app.requires, mode.previous.app.requires)) {
        reused = mode.previous.wheels.filter((wheel) => wheel.name !== normalizeName(mode.previous.app.name));
      } else {
        emit({ type: "notice", message: "the application's requirements changed: building every wheel" });
        await sandbox.resetOutput();
        await runHelper(sandbox, inputs, options, false);
      }
    } else {
      await runHelper(sandbox, inputs, options, false);
    }
    await step(emit, "copy-out", "copy the wheels out", () => sandbox.takeOutput(raw));
  } finally {
    await sandbox.close();
  }
  report = JSON.parse(readFileSync(path.join(raw, "report.json"), "utf8")) as HelperReport;
  const wheels: ManifestWheel[] = [];
  for (const wheel of report.wheels) {
    const file = path.join(raw, wheel.folder, wheel.filename);
    if (!existsSync(file) || sha256File(file) !== wheel.sha256) {
      throw new IntegrityError(
        `${wheel.filename} changed between the builder and the wheelhouse (sha256 mismatch)`,
        {
          hint: "The copy out of the builder was damaged; run the build again. If it persists, check the disk.",
        },
      );
    }
    renameSync(file, path.join(staging, wheel.filename));
    const { folder: _folder, requires: _requires, ...entry } = wheel;
    wheels.push(entry);
  }
  const fromStore = mode.kind === "app-only" && mode.reuseFrom === "store";
  for (const wheel of reused) {
    // Reused only after their hash is checked again, now, as they are copied.
    const target = path.join(staging, wheel.filename);
    if (!fromStore) copyFileSync(path.join(options.project.wheelhouseDir, wheel.filename), target);
    const copied = fromStore
      ? options.store?.copyOut(wheel.sha256, target) === true
      : sha256File(target) === wheel.sha256;
    if (!copied)
      throw new IntegrityError(`${wheel.filename} changed while it was reused (sha256 mismatch)`, {
        hint: "Run the build again with --force.",
      });
    wheels.push(wheel);
  }

  rmSync(raw, { recursive: true, force: true });
  const appWheel = wheels.find((wheel) => wheel.name === normalizeName(report.app));
  if (appWheel === undefined)
    throw new IntegrityError("The application's wheel is missing from the builder's output");
  const appRequires = report.wheels.find((wheel) => wheel.name === appWheel.name)?.requires ?? [];
  const manifest: Manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    tool: `wheelwright ${options.toolVersion}`,
    inputs: {
      ...inputs.fingerprints,
      builder: options.builderId,
      extras: options.request.extras.map(normalizeName),
      groups: options.request.groups.map(normalizeName),
      requirements: inputs.requirementFiles,
      sourceDateEpoch: options.sourceDateEpoch,
    },
    app: {
      name: appWheel.name,
      version: appWheel.version,
      filename: appWheel.filename,
      requires: appRequires,
    },
    wheels: wheels.sort((a, b) => a.name.localeCompare(b.name)),
  };
  writeFileSync(path.join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(path.join(staging, REQUIREMENTS_FILE), requirementsText(manifest));
  const unexpected = readdirSync(staging).filter(
    (name) => name.endsWith(".whl") && !wheels.some((w) => w.filename === name),
  );
  if (unexpected.length > 0)
    throw new IntegrityError("Unexpected files in the staging folder", { details: unexpected });
  return manifest;
}

/** The pip environment the helper runs with. Index URLs may hold credentials: passed as secrets. */
function helperEnvironment(sandbox: BuildSandbox, options: BuildOptions) {
  const { index } = options;
  const findLinks = [
    ...index.findLinks.map((link) =>
      /^[a-z]+:\/\//i.test(link) ? link : sandbox.hostPath(path.resolve(options.project.root, link)),
    ),
    `${sandbox.paths.out}/app`,
  ];
  const secretEnv: Record<string, string> = { PIP_FIND_LINKS: findLinks.join(" ") };
  if (index.indexUrl !== undefined) secretEnv.PIP_INDEX_URL = index.indexUrl;
  if (index.extraIndexUrls.length > 0) secretEnv.PIP_EXTRA_INDEX_URL = index.extraIndexUrls.join(" ");
  const env: Record<string, string> = {
    PIP_CACHE_DIR: `${sandbox.paths.cache}/pip`,
    PIP_NO_INPUT: "1",
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONHASHSEED: "0",
  };
  if (options.sourceDateEpoch !== undefined) env.SOURCE_DATE_EPOCH = String(options.sourceDateEpoch);
  return { env, secretEnv };
}

interface AppFacts {
  requires: string[];
}

async function runHelper(
  sandbox: BuildSandbox,
  inputs: BuildInputs,
  options: BuildOptions,
  appOnly: boolean,
): Promise<AppFacts> {
  const { emit, request } = options;
  const argv = [
    sandbox.python,
    sandbox.paths.helper,
    "--source",
    sandbox.paths.source,
    "--out",
    sandbox.paths.out,
  ];
  if (options.project.metadata.name !== undefined) argv.push("--expect-name", options.project.metadata.name);
  for (const extra of request.extras) argv.push("--extra", extra);
  for (const group of request.groups) argv.push("--group", group);
  for (const file of inputs.requirementFiles) argv.push("--requirements", `${sandbox.paths.source}/${file}`);
  if (appOnly) argv.push("--app-only");
  // Build environments for the app's backend are cached beside pip's cache; --force makes them anew.
  argv.push("--cache", sandbox.paths.cache);
  if (options.force) argv.push("--fresh-build-env");

  const output: string[] = [];
  let error: Extract<HelperMessage, { kind: "error" }> | undefined;
  let app: AppFacts = { requires: [] };
  let saved = 0;
  let stepId = "app";
  const timeout = AbortSignal.timeout(options.project.config.timeout.value * 1000);
  const signal = AbortSignal.any([options.signal, timeout]);
  const title = (phase: string) =>
    phase === "app"
      ? "build the application's wheel"
      : phase === "deps"
        ? "collect and build the dependencies' wheels"
        : "check the wheel set";
  let started = options.clock();
  emit({ type: "step-started", id: stepId, title: title("app") });
  const finishStep = (failed: boolean) => {
    const seconds = (options.clock() - started) / 1000;
    emit(
      failed
        ? { type: "step-failed", id: stepId, title: title(stepId), seconds }
        : { type: "step-finished", id: stepId, title: title(stepId), seconds },
    );
  };
  const result = await sandbox.run(argv, {
    ...helperEnvironment(sandbox, options),
    workdir: sandbox.paths.source,
    signal,
    onOutput: (line) => {
      const message = parseHelperLine(line);
      if (message === undefined) {
        output.push(line);
        return;
      }
      if (message.kind === "log") {
        output.push(message.line);
        if (/^Saved |Created wheel for /.test(message.line.trim())) saved++;
        emit({
          type: "output",
          id: stepId,
          line: `${message.line}${stepId === "deps" ? `  [${saved} wheels]` : ""}`,
          stream: "stdout",
        });
      } else if (message.kind === "phase" && message.phase !== stepId) {
        finishStep(false);
        stepId = message.phase;
        started = options.clock();
        emit({
          type: "step-started",
          id: stepId,
          title: title(stepId) + (message.count ? ` (${message.count} requirements)` : ""),
        });
      } else if (message.kind === "app") app = { requires: message.requires };
      else if (message.kind === "error") error = message;
    },
  });
  finishStep(result.exitCode !== 0);
  if (result.aborted || signal.aborted) {
    if (timeout.aborted && !options.signal.aborted) {
      throw new ResourceError(
        `The build took longer than its timeout of ${options.project.config.timeout.value} s and was stopped`,
        {
          hint: "Raise `timeout` in the config if the build is just slow.",
        },
      );
    }
    options.signal.throwIfAborted();
  }
  if (result.exitCode === 137) {
    throw new ResourceError("The builder was killed (exit 137): most likely it ran out of memory", {
      details: output.slice(-10),
      hint: "Give the engine more memory, or build fewer packages in parallel.",
    });
  }
  if (result.exitCode !== 0) throw helperError(result.exitCode, error, output);
  return app;
}
