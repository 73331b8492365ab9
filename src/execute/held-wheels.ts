// Wheels the builder does not hand over because the host has them already. Held (HelperRequest.
// hostWheels): bytes the result store holds, taken from it. At a path (HelperRequest.hostFolders):
// a fetched wheel that is a copy of a file in one of the host's own local index folders, read there.
// A forced rebuild then copies out only what is new, and a cold one does not copy out what came
// from the host's own disk. The report stays the builder's word: a held entry is taken only for a
// name and sha256 the host offered, a path only inside a folder it offered; every such file is
// hashed where it lands and then verified like a received one.
import { constants, copyFileSync, mkdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { IntegrityError, UntrustedOutputError } from "../errors.js";
import { sha256File } from "../project/file-hash.js";
import type { ReceivedFile, ReceivedOutput } from "./builder-output.js";
import type { ResultStore } from "./result-store.js";

export interface HostWheel {
  filename: string;
  sha256: string;
}

const heldEntries = z.object({
  wheels: z.array(
    z.object({
      filename: z.string(),
      folder: z.enum(["app", "deps"]),
      held: z.string().optional(),
      at: z.string().max(4096).optional(),
    }),
  ),
});

function untrusted(message: string): UntrustedOutputError {
  return new UntrustedOutputError(message, {
    hint: "A build step in the builder made the report disagree with what the host offered. Nothing was published; the previous wheelhouse is intact.",
  });
}

/**
 * The received output with each held wheel the report lists added, linked (or copied) from the
 * store into `intoDir/<folder>/<filename>`. A report that does not parse is left to wheelSetOf,
 * which refuses it with its own message.
 */
export async function takeHeldWheels(
  received: ReceivedOutput,
  offered: readonly HostWheel[],
  store: ResultStore,
  intoDir: string,
  onFile?: (file: ReceivedFile) => void,
): Promise<{ output: ReceivedOutput; held: number }> {
  const parsed = heldEntries.safeParse(received.report);
  if (!parsed.success) return { output: received, held: 0 };
  const held = parsed.data.wheels.filter((entry) => entry.held !== undefined);
  if (held.length === 0) return { output: received, held: 0 };
  const offeredSha = new Map(offered.map((wheel) => [wheel.filename, wheel.sha256]));
  const names = new Set(received.files.map((file) => file.filename));
  for (const entry of held) {
    if (offeredSha.get(entry.filename) !== entry.held)
      throw untrusted(
        `The report says the host holds ${entry.filename} (sha256 ${String(entry.held).slice(0, 12)}), but the host offered no such wheel`,
      );
    if (names.has(entry.filename))
      throw untrusted(
        `The report lists ${entry.filename} twice, or as both handed over and held by the host`,
      );
    names.add(entry.filename);
  }
  const taken = await Promise.all(held.map((entry) => takeOne(store, intoDir, entry, onFile)));
  return { output: { ...received, files: [...received.files, ...taken] }, held: taken.length };
}

/** Where a wheel not handed over lands, as a received one would: `intoDir/<folder>/<filename>`. */
function landingPath(intoDir: string, entry: { filename: string; folder: "app" | "deps" }): string {
  const dir = path.join(intoDir, entry.folder);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return path.join(dir, entry.filename);
}

async function takeOne(
  store: ResultStore,
  intoDir: string,
  entry: { filename: string; folder: "app" | "deps"; held?: string | undefined },
  onFile: ((file: ReceivedFile) => void) | undefined,
): Promise<ReceivedFile> {
  const sha256 = entry.held!;
  const target = landingPath(intoDir, entry);
  if (!(await store.linkOut(sha256, target)))
    throw new IntegrityError(
      `${entry.filename} is gone from the result store, or changed there, during the build`,
      {
        hint: "Run the build again: it hands every wheel over when the store lacks them.",
      },
    );
  const { size } = statSync(target);
  const file: ReceivedFile = { folder: entry.folder, filename: entry.filename, path: target, size, sha256 };
  onFile?.(file);
  return file;
}

/**
 * The received output with each wheel the report lists `at` a path added, copied from the host's
 * own file there into `intoDir/<folder>/<filename>`. The path must be absolute and normalised, name
 * the file the entry names, and lie (links resolved) inside a folder the host offered.
 */
export async function takeHostFiles(
  received: ReceivedOutput,
  offered: readonly string[],
  intoDir: string,
  onFile?: (file: ReceivedFile) => void,
): Promise<{ output: ReceivedOutput; taken: number }> {
  const parsed = heldEntries.safeParse(received.report);
  if (!parsed.success) return { output: received, taken: 0 };
  const entries = parsed.data.wheels.filter((entry) => entry.at !== undefined && entry.held === undefined);
  if (entries.length === 0) return { output: received, taken: 0 };
  const names = new Set(received.files.map((file) => file.filename));
  const files: ReceivedFile[] = [];
  for (const entry of entries) {
    const source = hostPathOf(entry.at!, entry.filename, offered);
    if (names.has(entry.filename))
      throw untrusted(`The report lists ${entry.filename} twice, or as both handed over and on the host`);
    names.add(entry.filename);
    const target = landingPath(intoDir, entry);
    copyFileSync(source, target, constants.COPYFILE_EXCL);
    const file: ReceivedFile = {
      folder: entry.folder,
      filename: entry.filename,
      path: target,
      size: statSync(target).size,
      sha256: await sha256File(target),
    };
    onFile?.(file);
    files.push(file);
  }
  return { output: { ...received, files: [...received.files, ...files] }, taken: files.length };
}

/** The host's own regular file the builder named, resolved inside an offered folder; else untrusted. */
function hostPathOf(at: string, filename: string, offered: readonly string[]): string {
  const refuse = () =>
    untrusted(
      `The report says ${filename} is the host's file ${at}, which is no file of a local index the host offered`,
    );
  if (!path.posix.isAbsolute(at) || path.posix.normalize(at) !== at || path.posix.basename(at) !== filename)
    throw refuse();
  const folder = offered.find((dir) => at.startsWith(`${dir}/`));
  if (folder === undefined) throw refuse();
  let real: string;
  try {
    real = realpathSync(at);
    if (!real.startsWith(`${realpathSync(folder)}/`) || !statSync(real).isFile()) throw refuse();
  } catch (error) {
    if (error instanceof UntrustedOutputError) throw error;
    throw refuse();
  }
  return real;
}
