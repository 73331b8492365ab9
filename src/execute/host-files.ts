// Wheels at a path (HelperRequest.hostFolders): a fetched wheel that is a copy of a file in one of
// the host's own local index folders is not copied out of the builder; the host reads its own file.
// The builder names such a file twice: first as a hint (`host-file` events, as each is fetched),
// so the host copies, hashes and starts checking it while the builder still resolves and compiles;
// then in the report, which decides. Neither is trusted: a path is used only when it is absolute,
// normalised, names the entry's file and lies (links resolved) inside a folder the host offered; a
// hint that fails that is ignored, a report entry that fails it is refused. An early copy the report
// does not name is never used, and goes with its folder.
import { constants, copyFileSync, linkSync, mkdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import path from "node:path";
import { parseWheelFilename } from "../domain/wheel-filename.js";
import { UntrustedOutputError } from "../errors.js";
import { sha256File } from "../project/file-hash.js";
import type { ReceivedFile, ReceivedOutput } from "./builder-output.js";
import { heldEntries, landingPath, untrusted } from "./held-wheels.js";
import { DEFAULT_OUTPUT_LIMITS, OutputBudget, type OutputLimits } from "./output-limits.js";
import { violation } from "./output-violations.js";

interface EarlyCopy extends ReceivedFile {
  /** The host file it was copied from, links resolved. */
  real: string;
}

/**
 * The host's early copies of its own files the builder hinted at, in `dir` (made on the first
 * one, removed by dispose). Each copy's check starts as soon as it is hashed (`onFile`).
 */
export class EarlyHostFiles {
  private offered: readonly string[] = [];
  private skipped: ReadonlySet<string> = new Set();
  private budget = new OutputBudget(DEFAULT_OUTPUT_LIMITS);
  private readonly copies = new Map<string, Promise<EarlyCopy>>();

  constructor(
    private readonly dir: string,
    private readonly onFile?: (file: ReceivedFile) => void,
  ) {}

  /**
   * The folders offered to this run's builder, the wheels it will name as held (not read early),
   * and the limits on its output (hints past them are ignored).
   */
  offer(folders: readonly string[], heldNames: Iterable<string>, limits: OutputLimits): void {
    this.offered = folders;
    this.skipped = new Set(heldNames);
    this.budget = new OutputBudget(limits);
  }

  /** The builder says it fetched the host's file `at`: copy it now, if it is one the host offered. */
  readonly hint = (at: string): void => {
    if (this.copies.has(at) || this.offered.length === 0) return;
    const filename = path.posix.basename(at);
    if (this.skipped.has(filename) || parseWheelFilename(filename) === undefined) return;
    let real: string;
    try {
      real = hostPathOf(at, filename, this.offered);
    } catch {
      return; // not a file the host offered: the report's entry, if any, is refused on its own
    }
    if (this.budget.take(statSync(real).size) !== undefined) return;
    const copy = this.copy(real, filename, this.copies.size);
    copy.catch(() => undefined); // told, if it matters, when the report's entry claims it
    this.copies.set(at, copy);
  };

  private async copy(real: string, filename: string, index: number): Promise<EarlyCopy> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // Numbered: two folders may hold files of one name.
    const target = path.join(this.dir, `${index}-${filename}`);
    // Off the event loop: a large wheel would hold up reading the helper's output meanwhile.
    await copyFile(real, target, constants.COPYFILE_EXCL);
    const file: ReceivedFile = {
      folder: "deps",
      filename,
      path: target,
      size: statSync(target).size,
      sha256: await sha256File(target),
    };
    this.onFile?.(file);
    return { ...file, real };
  }

  /** The early copy of the host file `real`, made for `filename`; undefined when there is none. */
  async claim(at: string, real: string, filename: string): Promise<ReceivedFile | undefined> {
    const copy = await this.copies.get(at)?.catch(() => undefined);
    if (copy === undefined || copy.real !== real || copy.filename !== filename) return undefined;
    const { real: _real, ...file } = copy;
    return file;
  }

  /** Once every copy begun is made (or failed): the builder's output is copied out after that. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.copies.values());
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The received output with each wheel the report lists `at` a path added, from the host's own file
 * there, into `intoDir/<folder>/<filename>`: linked from its early copy when there is one (its
 * check already under way), else copied now and told to `onFile`.
 */
export async function takeHostFiles(
  received: ReceivedOutput,
  offered: readonly string[],
  intoDir: string,
  onFile?: (file: ReceivedFile) => void,
  early?: EarlyHostFiles,
  limits: OutputLimits = DEFAULT_OUTPUT_LIMITS,
): Promise<{ output: ReceivedOutput; taken: number }> {
  const parsed = heldEntries.safeParse(received.report);
  if (!parsed.success) return { output: received, taken: 0 };
  const entries = parsed.data.wheels.filter((entry) => entry.at !== undefined && entry.held === undefined);
  if (entries.length === 0) return { output: received, taken: 0 };
  const names = new Set(received.files.map((file) => file.filename));
  const budget = new OutputBudget(limits, received.files);
  const files: ReceivedFile[] = [];
  for (const entry of entries) {
    const source = hostPathOf(entry.at!, entry.filename, offered);
    if (names.has(entry.filename))
      throw untrusted(`The report lists ${entry.filename} twice, or as both handed over and on the host`);
    names.add(entry.filename);
    const over = budget.take(statSync(source).size);
    if (over !== undefined) throw violation(entry.at!, `${over} (counting the host's own files it names)`);
    const target = landingPath(intoDir, entry);
    const copied =
      entry.folder === "deps" ? await early?.claim(entry.at!, source, entry.filename) : undefined;
    if (copied !== undefined && linked(copied.path, target)) {
      files.push({ ...copied, path: target });
      continue;
    }
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

/** A second name for the early copy's bytes (its folder is a sibling: one file system). */
function linked(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch {
    return false;
  }
}

/** The host's own regular file the builder named, resolved inside an offered folder; else untrusted. */
export function hostPathOf(at: string, filename: string, offered: readonly string[]): string {
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
