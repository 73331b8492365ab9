// `wheelwright build [EXTRA...]` (the seed's `make build` / `make build test`) and
// `wheelwright build -- CMD...` (the seed's `make build cmd ...`).
import { existsSync } from "node:fs";
import path from "node:path";

import { fileURLToPath } from "node:url";
import type { LoadedProject } from "../../config/load.js";
import type { IndexSettings } from "../../domain/index-settings.js";
import { createRedactor, urlSecrets } from "../../domain/index-settings.js";
import {
  LABEL_CONTEXT,
  LABEL_CONTEXT_HASH,
  LABEL_PROJECT,
  LABEL_RUN,
  projectId,
} from "../../domain/labels.js";
import type { Manifest } from "../../domain/manifest.js";
import { contextImageName, normalizeName } from "../../domain/names.js";
import { parseSourceDateEpoch } from "../../domain/source-date-epoch.js";
import type { Detection } from "../../engine/detect.js";
import { InputError } from "../../errors.js";
import { startContainerSandbox } from "../../execute/container-sandbox.js";
import { unknownExtraError } from "../../execute/helper-result.js";
import { localCacheDir, startLocalSandbox } from "../../execute/local-sandbox.js";
import { ResultStore } from "../../execute/result-store.js";
import { type BuildOutcome, type PreparedBuilder, runBuild } from "../../execute/run-build.js";
import { runImagePlan } from "../../execute/run-image-plan.js";
import type { BuildSandbox } from "../../execute/sandbox.js";
import { newRunId, readManifest } from "../../execute/wheelhouse.js";
import { builderContentHash } from "../../plan/image-plan.js";
import type { BuildRequest } from "../../project/build-inputs.js";
import { localDirOf, wheelhouseSkips } from "../../project/build-inputs.js";
import { listContextFolders } from "../../project/contexts.js";
import { readCommitTime } from "../../project/git.js";
import { resolveIndexSettings } from "../../project/pip-config.js";
import { readSourceTree } from "../../project/source-tree.js";
import { detectSessionEngine, loadSessionProject, type Session } from "../session.js";
import { planImageCommand } from "./image.js";

export const HELPER_FILE = fileURLToPath(new URL("../../../assets/wheelwright_build.py", import.meta.url));

export interface BuildCommandOptions {
  group?: string[];
  requirement?: string[];
  force?: boolean;
}

/** Checks what can be checked without running the project's code or calling the engine. */
function precheck(project: LoadedProject, request: BuildRequest): void {
  const { metadata } = project;
  if (metadata.hasProjectTable && metadata.name === undefined) {
    throw new InputError("The project has no name: pyproject.toml's [project] table lacks `name`", {
      hint: 'Add `name = "..."` to [project] (pip would otherwise build an UNKNOWN-0.0.0 wheel).',
    });
  }
  const unknownExtras =
    metadata.extras === undefined
      ? []
      : request.extras.map(normalizeName).filter((e) => !metadata.extras!.includes(e));
  const unknownGroups = request.groups.map(normalizeName).filter((g) => !metadata.groups.includes(g));
  if (unknownExtras.length > 0 || unknownGroups.length > 0) {
    throw unknownExtraError(unknownExtras, unknownGroups, metadata.extras ?? [], metadata.groups);
  }
}

/** The builder image for this commit, built first when it is missing or older than its folder. */
async function ensureBuilderImage(
  session: Session,
  project: LoadedProject,
  detection: Extract<Detection, { kind: "container" }>,
  contentHash: string,
): Promise<string> {
  const context = contextImageName(project.config.builderContext.value);
  // Any image of this project built from the same folders will do, whatever commit it was tagged at.
  const sameContent = await detection.engine.listImages({
    labels: [
      `${LABEL_PROJECT}=${projectId(project.config.namespace.value, project.config.app.value)}`,
      `${LABEL_CONTEXT}=${context}`,
      `${LABEL_CONTEXT_HASH}=${contentHash}`,
    ],
  });
  if (sameContent[0] !== undefined) return sameContent[0];
  const request = { targets: [context], all: false };
  const plan = await planImageCommand(session, project, request, detection.engine);
  const builderStep = plan.steps.find((s) => s.kind === "build-image" && s.context === context);
  if (builderStep === undefined || builderStep.kind !== "build-image")
    throw new Error("no builder step planned");
  const reference = builderStep.tags[0]!;
  const existing = await detection.engine.inspectImage(reference);
  session.emit({
    type: "notice",
    message: `the builder image ${reference} is ${existing === undefined ? "missing" : "older than its folder"}: building it`,
  });
  for (const warning of plan.warnings) session.emit({ type: "warning", message: warning });
  await runImagePlan({
    plan,
    engine: detection.engine,
    pull: project.config.pull.value,
    root: project.root,
    emit: session.emit,
    signal: session.signal,
  });
  return reference;
}

export async function buildCommand(
  session: Session,
  extras: string[],
  options: BuildCommandOptions,
  passthrough: string[] | undefined,
): Promise<void> {
  const project = loadSessionProject(session);
  const request: BuildRequest = {
    extras,
    groups: options.group ?? [],
    requirements: options.requirement ?? [],
  };
  if (passthrough === undefined) precheck(project, request);
  const sourceDateEpoch =
    parseSourceDateEpoch(session.env.SOURCE_DATE_EPOCH) ??
    (await readCommitTime(project.root, session.runner));
  const index = await resolveIndexSettings(project.config, session.runner, session.env);
  session.setRedactor(
    createRedactor(urlSecrets([index.indexUrl ?? "", ...index.extraIndexUrls, ...index.findLinks])),
  );

  const runId = newRunId();
  const builders = new BuilderFactory(session, project, index, runId);
  if (passthrough !== undefined) {
    const prepared = await builders.prepare();
    session.exitCode = await runInBuilder(session, project, prepared.startSandbox, passthrough);
    return;
  }
  const started = session.clock();
  const outcome = await runBuild({
    project,
    request,
    force: options.force === true,
    index,
    builderId: await builders.expectedBuilderId(readManifest(project.wheelhouseDir)),
    prepare: () => builders.prepare(),
    store: new ResultStore(path.join(localCacheDir(session.env), "store")),
    sourceDateEpoch,
    toolVersion: session.toolVersion,
    runId,
    emit: session.emit,
    signal: session.signal,
    clock: session.clock,
  });
  printSummary(session, outcome, (session.clock() - started) / 1000);
}

/**
 * Knows which builder a build would use, and readies it on demand. The expected builder's identity
 * is computed without the engine (the image folders' content hash, or the local Python), so an
 * up-to-date build asks the engine nothing.
 */
class BuilderFactory {
  private detection: Detection | undefined;

  constructor(
    private readonly session: Session,
    private readonly project: LoadedProject,
    private readonly index: IndexSettings,
    private readonly runId: string,
  ) {}

  private hash: string | undefined;

  /** The builder image's content hash (its folder and the folders it is built FROM). */
  private contentHash(): string {
    this.hash ??= builderContentHash(
      this.project.config,
      listContextFolders(this.project.root, this.project.imagesDir),
    );
    return this.hash;
  }

  private imageBuilderId(): string {
    return `image:${this.contentHash()}`;
  }

  private async localBuilderId(): Promise<string> {
    const version = await this.session.runner.run(
      ["python3", "-c", "import sys, pip; print(sys.version.split()[0], pip.__version__)"],
      {
        env: this.session.env,
      },
    );
    return `local:python ${version.stdout.trim()}`;
  }

  /** The builder that would run: the configured engine's, or for `auto` the one that built the previous wheelhouse. */
  async expectedBuilderId(previous: Manifest | undefined): Promise<string> {
    const choice = this.project.config.engine.value;
    if (choice === "local") return this.localBuilderId();
    if (choice !== "auto") return this.imageBuilderId();
    if (previous !== undefined)
      return previous.inputs.builder.startsWith("local:") ? this.localBuilderId() : this.imageBuilderId();
    const detection = await this.detect();
    return detection.kind === "container" ? this.imageBuilderId() : this.localBuilderId();
  }

  private async detect(): Promise<Detection> {
    this.detection ??= await detectSessionEngine(this.session, this.project);
    return this.detection;
  }

  async prepare(): Promise<PreparedBuilder> {
    const { session, project, index } = this;
    const detection = await this.detect();
    if (detection.kind === "local") {
      if (project.config.engine.value === "auto") {
        const rejected = detection.report
          .filter((r) => !r.accepted)
          .map((r) => `${r.candidate}: ${r.reason}`);
        session.emit({
          type: "notice",
          message: `no container engine answered (${rejected.join("; ")}): building with the local engine`,
        });
      }
      return {
        builderId: await this.localBuilderId(),
        startSandbox: () =>
          startLocalSandbox({ runner: session.runner, env: session.env, helperFile: HELPER_FILE }),
      };
    }
    const image = await ensureBuilderImage(session, project, detection, this.contentHash());
    const id = projectId(project.config.namespace.value, project.config.app.value);
    const locations = [
      ...(index.indexUrl ? [index.indexUrl] : []),
      ...index.extraIndexUrls,
      ...index.findLinks,
    ];
    const localDirs = [
      ...new Set(
        locations.map((l) => localDirOf(l, project.root)).filter((d): d is string => d !== undefined),
      ),
    ];
    // pip skips a missing local location with a warning; a bind mount of one would fail the container.
    for (const dir of localDirs.filter((d) => !existsSync(d))) {
      session.emit({
        type: "warning",
        message: `the package location ${dir} does not exist; pip will find nothing there`,
      });
    }
    return {
      builderId: this.imageBuilderId(),
      startSandbox: () =>
        startContainerSandbox({
          engine: detection.engine,
          image,
          name: `wheelwright-${this.runId}`,
          labels: { [LABEL_PROJECT]: id, [LABEL_RUN]: this.runId },
          network: project.config.network.value,
          cacheVolume: `wheelwright-cache-${id.replace(/[^a-z0-9_.-]+/g, "-")}`,
          readOnlyHostDirs: localDirs.filter((d) => existsSync(d)),
          helperFile: HELPER_FILE,
          signal: session.signal,
        }),
    };
  }
}

async function runInBuilder(
  session: Session,
  project: LoadedProject,
  startSandbox: () => Promise<BuildSandbox>,
  command: string[],
): Promise<number> {
  if (command.length === 0)
    throw new InputError("Nothing to run after `--` (e.g. `wheelwright build -- pip -V`)");
  const sandbox = await startSandbox();
  try {
    const tree = readSourceTree(project.sourceDir, wheelhouseSkips(project));
    await sandbox.putSource(
      tree.files.map((f) => f.path),
      tree.dir,
    );
    const result = await sandbox.run(command, {
      workdir: sandbox.paths.source,
      inheritStdio: true,
      signal: session.signal,
    });
    session.signal.throwIfAborted();
    return result.exitCode;
  } finally {
    await sandbox.close();
  }
}

function printSummary(session: Session, outcome: BuildOutcome, seconds: number): void {
  const { manifest } = outcome;
  if (session.json) {
    session.out(
      `${JSON.stringify({ version: 1, status: outcome.status, mode: outcome.mode.kind, wheelhouse: outcome.wheelhouse, seconds, manifest }, null, 2)}\n`,
    );
    return;
  }
  const rel = path.relative(session.cwd, outcome.wheelhouse) || ".";
  if (outcome.status === "up-to-date") {
    session.out(`${rel}: up to date (${manifest.wheels.length} wheels, inputs unchanged)\n`);
    return;
  }
  const lines = manifest.wheels.map(
    (w) =>
      `  ${w.filename.padEnd(60)} ${(w.size / 1024).toFixed(0).padStart(7)} KiB  ${w.origin.padEnd(7)}  ${w.sha256.slice(0, 12)}  ${w.sets.join(",")}`,
  );
  const total = manifest.wheels.reduce((sum, w) => sum + w.size, 0);
  session.out(
    `${lines.join("\n")}\n${rel}: ${manifest.wheels.length} wheels, ${(total / 1024 / 1024).toFixed(1)} MiB, ${seconds.toFixed(1)} s (${outcome.mode.reason})\n`,
  );
}
