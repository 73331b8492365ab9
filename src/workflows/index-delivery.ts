// The local package folders a builder needs (file:// indexes, find-links folders), delivered as the
// engine allows: mounted when it shares this machine's files, copied in (capped, its size shown)
// when it is remote, refused with what to do when they are too big to copy.
import { existsSync } from "node:fs";
import type { LoadedProject } from "../config/load.js";
import { copyInCommand, type EngineBinary } from "../domain/engine-commands.js";
import { decideIndexDelivery, type IndexDelivery, loopbackIndexUrls } from "../domain/index-delivery.js";
import type { IndexSettings } from "../domain/index-settings.js";
import { formatBytes, parseSize } from "../domain/sizes.js";
import type { EngineCapabilities } from "../engine/engine.js";
import { InputError } from "../errors.js";
import type { PrintableStep } from "../plan/plan.js";
import { localIndexDirsOf } from "../project/build-inputs.js";
import { folderSize } from "../project/folder-size.js";
import type { WorkflowContext } from "./context.js";

/** The delivery of the folders that exist (a missing one is warned about where the builder is readied). */
export function planIndexDelivery(
  project: LoadedProject,
  index: IndexSettings,
  engine: Pick<EngineCapabilities, "location">,
): IndexDelivery {
  const dirs = localIndexDirsOf(index, project.root).filter((dir) => existsSync(dir));
  const limit = parseSize(project.config.remoteIndexLimit.value);
  // Counted only for a remote engine: a local one mounts whatever the size.
  const folders = dirs.map((dir) => ({
    dir,
    bytes: engine.location === "local" ? 0 : folderSize(dir, limit),
  }));
  return decideIndexDelivery(engine.location, folders, limit);
}

/** The delivery's progress line for one copied folder. */
export function copyNotice(copy: { dir: string; bytes: number }, endpoint: string): string {
  return `copying the local index ${copy.dir} (${formatBytes(copy.bytes)}) into the builder: the engine at ${endpoint} is remote`;
}

/** The folders to copy into the builder; throws when they are over the limit. */
export function foldersToCopy(
  delivery: IndexDelivery,
  project: LoadedProject,
  endpoint: string,
): { dir: string; bytes: number }[] {
  if (delivery.kind === "mount") return [];
  if (delivery.kind === "copy") return delivery.copies;
  const sizes = delivery.folders.map(
    (folder) =>
      `${folder.dir}: ${folder.bytes === undefined ? `over ${formatBytes(delivery.limit)}` : formatBytes(folder.bytes)}`,
  );
  const limit = project.config.remoteIndexLimit;
  throw new InputError(
    `The engine at ${endpoint} is remote: its host does not have the local package folders the index settings name, and they are too big to copy into the builder (remote-index-limit ${limit.value})`,
    {
      details: sizes,
      hint: "Serve the index over HTTP at an address the engine's host reaches and point index-url (or find-links) at it, or raise the limit (--remote-index-limit 4g, WHEELWRIGHT_REMOTE_INDEX_LIMIT), or build with a local engine.",
    },
  );
}

/** The plan's steps for the copies: each folder as a tar of its absolute path, unpacked at `/`. */
export function folderCopySteps(
  binary: EngineBinary,
  container: string,
  copies: readonly { dir: string; bytes: number }[],
  endpoint: string,
): PrintableStep[] {
  return copies.map((copy) => ({
    id: `copy-in:${copy.dir}`,
    title: copyNotice(copy, endpoint),
    command: copyInCommand(binary, container, "/"),
    stdin: `a tar of ${copy.dir} (its path below /)`,
  }));
}

/** The session's steps with the folder copies right after the builder starts (they go in with the helper). */
export function withFolderCopies(steps: PrintableStep[], copies: PrintableStep[]): PrintableStep[] {
  const at = steps.findIndex((step) => step.id === "builder") + 1;
  return at === 0 ? [...steps, ...copies] : [...steps.slice(0, at), ...copies, ...steps.slice(at)];
}

/** The plan's copy steps of a build on this engine (none without one, or on a local one); throws as the build would. */
export function folderCopyStepsFor(
  project: LoadedProject,
  index: IndexSettings,
  engine: Pick<EngineCapabilities, "location" | "endpoint"> | undefined,
  binary: EngineBinary,
  container: string,
): PrintableStep[] {
  if (engine === undefined) return [];
  const copies = foldersToCopy(planIndexDelivery(project, index, engine), project, engine.endpoint);
  return folderCopySteps(binary, container, copies, engine.endpoint);
}

/** A loopback HTTP index seen from a remote engine is its host's, not ours: said, not refused (it may be served there too). */
export function warnLoopbackIndexes(ctx: WorkflowContext, index: IndexSettings, endpoint: string): void {
  for (const url of loopbackIndexUrls(index)) {
    ctx.emit({
      type: "warning",
      message: `the index ${url} is on a loopback address, and the engine at ${endpoint} is remote: the builder reaches that address on the engine's host, not on this machine`,
    });
  }
}
