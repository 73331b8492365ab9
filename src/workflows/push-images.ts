// `wheelwright push [TAG...]`, the seed's `make login` + `make push`: pushes this commit's release
// image (and with --all-images the project's other images) to the registry its namespace names, then
// checks that the registry holds exactly the digest pushed. Credentials come from the engine's own
// login or credential helper, or --password-stdin into a temporary engine config: never argv, never
// printed, never left in the user's engine config.
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { imageRepository, tagProblem } from "../domain/image-ref.js";
import { contextImageName } from "../domain/names.js";
import { classifyRegistryFailure, pushedDigest } from "../domain/registry.js";
import type { ContainerEngine, RegistryResult } from "../engine/engine.js";
import { InputError, RegistryError, UsageError } from "../errors.js";
import { step } from "../events.js";
import { makeScratch, scratchPath, sweepStaleScratch } from "../execute/scratch.js";
import { type PushPlan, planPush } from "../plan/push-plan.js";
import { projectContextFolders } from "../project/contexts.js";
import { binaryFor } from "./build-images.js";
import type { WorkflowContext } from "./context.js";
import { type AttachedProvenance, attachProvenance, type ProvenanceMode } from "./push-provenance.js";
import { releaseImageOfThisCommit } from "./release-reference.js";

export interface PushRequest {
  extraTags: readonly string[];
  allImages: boolean;
  username: string | undefined;
  passwordStdin: boolean;
  /** Provenance on the pushed release image (issue 13); default "off" (the CLI's default is "on"). */
  provenance?: ProvenanceMode;
}

export async function planPushImages(
  ctx: WorkflowContext,
  project: LoadedProject,
  request: PushRequest,
  engine: ContainerEngine | undefined,
): Promise<PushPlan> {
  if (request.passwordStdin !== (request.username !== undefined))
    throw new UsageError("--username and --password-stdin go together (the password is read from stdin)");
  const bad = request.extraTags.filter((tag) => tagProblem(tag) !== undefined);
  if (bad.length > 0)
    throw new InputError(`Invalid tag: ${bad.map((tag) => `'${tag}' ${tagProblem(tag)}`).join("; ")}`);
  const { namespace, app, version, releaseContext } = project.config;
  const reference = await releaseImageOfThisCommit(ctx, project);
  const runId = ctx.newRunId();
  const release = contextImageName(releaseContext.value);
  const others = request.allImages
    ? projectContextFolders(project)
        .map((folder) => contextImageName(folder.folder))
        .filter((context) => context !== release)
        .map((context) => imageRepository(namespace.value, app.value, context))
    : [];
  return planPush({
    binary: binaryFor(project.config.engine.value, engine),
    releaseRepository: reference.repository,
    primaryTag: reference.tag,
    versionTag: `${version.value}${reference.suffix}`,
    extraTags: request.extraTags.map((tag) => `${tag}${reference.suffix}`),
    otherRepositories: others,
    username: request.username,
    configDir: path.join(scratchPath(ctx.tmpdir, runId), "engine-config"),
    command: ["push", ...request.extraTags, ...(request.allImages ? ["--all-images"] : [])].join(" "),
    provenance: request.provenance ?? "off",
    runId,
  });
}

/** `repo:tag@digest` of every reference pushed. */
export async function pushImages(
  ctx: WorkflowContext,
  project: LoadedProject,
  plan: PushPlan,
  engine: ContainerEngine,
): Promise<string[]> {
  return (await pushRelease(ctx, project, plan, engine)).pushed;
}

export interface PushOutcome {
  /** `repo:tag@digest` of every reference pushed. */
  pushed: string[];
  /** The provenance attached to the release image, when it was. */
  provenance: AttachedProvenance | undefined;
}

/** Pushes the plan's references, then attaches provenance to the release image (unless off). */
export async function pushRelease(
  ctx: WorkflowContext,
  project: LoadedProject,
  plan: PushPlan,
  engine: ContainerEngine,
): Promise<PushOutcome> {
  const startedOn = new Date(ctx.clock()).toISOString();
  for (const image of plan.required) {
    if ((await engine.inspectImage(image)) === undefined) {
      throw new InputError(`There is no image ${image} to push`, {
        hint:
          image === plan.release
            ? "Run `wheelwright release` first."
            : "Run `wheelwright image --all` first.",
      });
    }
  }
  for (const tag of plan.tags) await engine.tagImage(tag.source, tag.target);
  sweepStaleScratch(ctx.tmpdir);
  const scratch = plan.configDir === undefined ? undefined : makeScratch(path.dirname(plan.configDir));
  try {
    if (plan.username !== undefined) await login(ctx, plan, engine);
    const pushed: string[] = [];
    for (const reference of plan.references)
      pushed.push(await pushOne(ctx, project, plan, engine, reference));
    // Before the temporary login (if any) goes: the provenance is pushed with it.
    const provenance = await attachProvenance(ctx, project, plan, engine, pushed, startedOn);
    return { pushed, provenance };
  } finally {
    scratch?.dispose();
  }
}

/** Logs in to the plan's registry with the password on stdin, into the plan's temporary config. */
export async function login(
  ctx: WorkflowContext,
  plan: Pick<PushPlan, "registry" | "username" | "configDir">,
  engine: ContainerEngine,
): Promise<void> {
  const password = (await ctx.readStdin()).replace(/\r?\n$/, "");
  ctx.addSecrets([password]);
  const result = await engine.login(plan.registry, plan.username!, password, plan.configDir);
  if (result.exitCode !== 0) throw registryFailure(plan.registry, "the login", result);
}

async function pushOne(
  ctx: WorkflowContext,
  project: LoadedProject,
  plan: PushPlan,
  engine: ContainerEngine,
  reference: string,
): Promise<string> {
  const digest = await step(
    ctx.emit,
    `push:${reference}`,
    `push ${reference}`,
    async () => {
      const result = await engine.push(reference, {
        timeoutMs: project.config.timeout.value * 1000,
        signal: ctx.signal,
        configDir: plan.configDir,
        onOutput: (line, stream) => ctx.emit({ type: "output", id: `push:${reference}`, line, stream }),
      });
      ctx.signal.throwIfAborted();
      const pushedAs = pushedDigest(result.output);
      if (result.exitCode !== 0 || pushedAs === undefined)
        throw registryFailure(plan.registry, `the push of ${reference}`, result);
      // The registry must hold exactly what was pushed.
      const remote = await engine.remoteDigest(reference, plan.insecure, plan.configDir);
      if (remote !== pushedAs) {
        throw new RegistryError(
          `${plan.registry || "the registry"} holds ${remote ?? "nothing"} for ${reference}, not the ${pushedAs} pushed`,
          { hint: "Another push may have raced this one; push again." },
        );
      }
      return pushedAs;
    },
    ctx.clock,
    (pushedAs) => pushedAs,
  );
  return `${reference}@${digest}`;
}

export function registryFailure(registry: string, what: string, result: RegistryResult): RegistryError {
  const where = registry === "" ? "the default registry" : registry;
  switch (classifyRegistryFailure(result.output, result.timedOut)) {
    case "not-logged-in":
      return new RegistryError(`Not logged in to ${where}: ${what} was refused`, {
        hint: `Log in first (\`docker login ${registry}\`), or pass --username and the password on stdin with --password-stdin.`,
      });
    case "unauthorized":
      return new RegistryError(`${where} refused the credentials (401 Unauthorized): ${what} failed`, {
        hint: "Check the user name and password (or token) for this registry.",
      });
    case "unreachable":
      return new RegistryError(`${where} cannot be reached: ${what} failed`, {
        details: result.output.trim().split("\n").slice(-3),
        hint: "Check that the registry is running and that the namespace names the right host and port.",
      });
    case "timeout":
      return new RegistryError(`${where} did not answer in time: ${what} was stopped`, {
        hint: "The registry hangs or is very slow; raise `timeout` if it is only slow.",
      });
    default:
      return new RegistryError(`${what} to ${where} failed`, {
        details: result.output.trim().split("\n").slice(-5),
      });
  }
}
