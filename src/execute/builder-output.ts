// The host's side of the trust boundary: receiving the tar that `docker cp CONTAINER:/wheelwright/out -`
// (or `podman cp`) streams. The builder ran third-party build code, so nothing in the archive is
// trusted: `tar` only parses it, every entry is checked against a few exact shapes
// (domain/builder-output-entry.ts) and against the limits from its header before its body is read,
// and the accepted files are written here, by this process, under names that passed the wheel file
// name grammar. Nothing is ever written outside `intoDir`; on a violation `intoDir` is removed.
//
// Why tar's parser cannot be talked into more (read in node_modules/tar/dist/esm, v7):
// - Pax (`x`) and GNU long-name (`L`) headers only rename the next entry: `entry.path` is the final
//   name, and that final name is what is checked and used, so a pax `path=../x` is refused like a
//   plain `../x`. Global pax headers (`g`) may not set a path. A pax `type` key is dropped by
//   tar's Pax class, so an entry's type is always its header's typeflag.
// - Types tar does not know or skips (GNU sparse `S`, ACLs, volume headers) and meta headers over
//   1 MiB are not emitted as entries but as `ignoredEntry`: each is refused here.
// - Bad checksums, missing paths, link targets on non-links and truncation are `warn`ings in
//   non-strict mode: each is an unreadable archive here, never skipped.
// - tar never touches the file system in a Parser; links, devices and `..` are simply never written,
//   because only regular files with a checked name are, each opened with O_EXCL in a folder made here.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, rmSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import path from "node:path";
import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Parser, ReadEntry } from "tar";
import {
  classifyOutputEntry,
  type OutputEntryVerdict,
  type OutputFolder,
  REPORT_ENTRY,
} from "../domain/builder-output-entry.js";
import { ResourceError } from "../errors.js";
import { MAX_REPORT_BYTES, OutputBudget, type OutputLimits } from "./output-limits.js";
import { unreadable, violation } from "./output-violations.js";
import { loadTar } from "./tar-lib.js";

export { DEFAULT_OUTPUT_LIMITS, MAX_REPORT_BYTES, type OutputLimits } from "./output-limits.js";

export interface ReceivedFile {
  folder: OutputFolder;
  filename: string;
  /** Where it was written: `intoDir/<folder>/<filename>`. */
  path: string;
  size: number;
  sha256: string;
}

export interface ReceivedOutput {
  files: ReceivedFile[];
  /** report.json parsed (still the builder's word: check it against `files`), or undefined if absent. */
  report: unknown;
}

/**
 * Receives the builder's output tar into `intoDir`, which it creates (mode 0700; it must not exist).
 * Throws UntrustedOutputError for anything but the accepted shapes (after removing `intoDir`),
 * ResourceError when the disk is full; the source's own errors and other I/O errors are rethrown.
 * On a violation the source stream is destroyed: the process writing it sees a broken pipe.
 */
export async function receiveBuilderOutput(
  tar: NodeJS.ReadableStream,
  intoDir: string,
  limits: OutputLimits,
  onFile?: (file: ReceivedFile) => void,
): Promise<ReceivedOutput> {
  try {
    mkdirSync(intoDir, { mode: 0o700 });
  } catch (error) {
    throw new Error(`Cannot receive the builder's output into ${intoDir}: it must be a new folder`, {
      cause: error,
    });
  }
  const receiver = new OutputReceiver(intoDir, limits, onFile);
  try {
    return await receiver.receive(tar);
  } catch (error) {
    rmSync(intoDir, { recursive: true, force: true });
    throw error;
  }
}

// Bytes after the end-of-archive marker are read and dropped, up to this much.
const MAX_TRAILING_BYTES = 1024 * 1024;

class OutputReceiver {
  private readonly files: ReceivedFile[] = [];
  private report: unknown;
  private readonly seen = new Set<string>();
  private readonly madeFolders = new Set<OutputFolder>();
  private readonly writes: Promise<void>[] = [];
  private readonly stop = new AbortController();
  private failure: Error | undefined;
  private signalFailure: () => void = () => {};
  private readonly failed = new Promise<void>((resolve) => {
    this.signalFailure = resolve;
  });

  private readonly budget: OutputBudget;

  constructor(
    private readonly intoDir: string,
    private readonly limits: OutputLimits,
    /** Told of each file once it is whole on the host (so its checks can start while the rest arrives). */
    private readonly onFile: ((file: ReceivedFile) => void) | undefined,
  ) {
    this.budget = new OutputBudget(limits);
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.stop.abort(error);
    this.signalFailure();
  }

  async receive(source: NodeJS.ReadableStream): Promise<ReceivedOutput> {
    const { Parser } = await loadTar();
    const parser = new Parser({
      onwarn: (_code, message, data) => this.fail(unreadable(message, entryPathOf(data))),
      onReadEntry: (entry) => this.onEntry(entry),
    });
    parser.on("ignoredEntry", (entry: ReadEntry) =>
      this.fail(
        violation(
          entry.path,
          entry.meta
            ? "an extended header over 1 MiB"
            : `an entry of type ${entry.type}, which the output may not hold`,
        ),
      ),
    );
    let sawEnd = false;
    parser.on("eof", () => {
      sawEnd = true;
    });
    const ended = once(parser, "end").catch((error: Error) => this.fail(error));
    try {
      await this.feed(source, parser, () => sawEnd);
    } catch (error) {
      // The source failed (the copy process died, the engine went away): its error, as it is.
      this.fail(error as Error);
    }
    if (this.failure === undefined) {
      parser.end();
      await Promise.race([ended, this.failed]);
    }
    if (this.failure === undefined && !sawEnd) {
      this.fail(unreadable("it ends without its end-of-archive marker (truncated)"));
    }
    await Promise.all(this.writes);
    if (this.failure !== undefined) throw this.failure;
    // Writes finish in any order: list the files in one that does not depend on timing.
    const files = this.files.sort((a, b) =>
      a.folder === b.folder ? (a.filename < b.filename ? -1 : 1) : a.folder < b.folder ? -1 : 1,
    );
    return { files, report: this.report };
  }

  /** Writes the source into the parser as fast as the entries' files take it. */
  private async feed(source: NodeJS.ReadableStream, parser: Parser, sawEnd: () => boolean): Promise<void> {
    let trailing = 0;
    // Leaving the loop early (a violation) destroys the source: nothing more is read.
    for await (const chunk of source) {
      if (this.failure !== undefined) break;
      if (sawEnd()) {
        trailing += chunk.length;
        if (trailing > MAX_TRAILING_BYTES)
          this.fail(unreadable("more than 1 MiB after the end of the archive"));
        continue;
      }
      if (!parser.write(chunk as Buffer)) await Promise.race([once(parser, "drain"), this.failed]);
    }
  }

  private onEntry(entry: ReadEntry): void {
    // Errors reach the receiver through each entry's pipeline; a late one must not go unhandled.
    entry.on("error", () => {});
    if (this.failure !== undefined) return;
    const verdict = classifyOutputEntry(entry);
    const rule = this.admit(entry, verdict);
    if (rule !== undefined) this.fail(violation(entry.path, rule));
    else if (verdict.kind === "folder") entry.resume();
    else if (verdict.kind === "report") this.writes.push(this.readReport(entry));
    else if (verdict.kind === "wheel")
      this.writes.push(this.writeWheel(entry, verdict.folder, verdict.filename));
  }

  /** The rule an entry breaks, or undefined when it is accepted (and counted). */
  private admit(entry: ReadEntry, verdict: OutputEntryVerdict): string | undefined {
    if (verdict.kind === "refused") return verdict.rule;
    if (this.seen.has(verdict.key)) return "a duplicate entry";
    this.seen.add(verdict.key);
    return verdict.kind === "folder" ? undefined : this.countFile(entry.size, verdict.kind === "report");
  }

  /** The limits, checked from the header before the body is read: a huge declared size costs nothing. */
  private countFile(size: number, isReport: boolean): string | undefined {
    const { maxFileBytes } = this.limits;
    return this.budget.take(size, isReport ? Math.min(MAX_REPORT_BYTES, maxFileBytes) : maxFileBytes);
  }

  private async readReport(entry: ReadEntry): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      await pipeline(entry, collectInto(chunks), { signal: this.stop.signal });
    } catch (error) {
      if (this.failure === undefined) this.fail(error as Error);
      return;
    }
    const text = Buffer.concat(chunks);
    if (text.length !== entry.size) return this.fail(unreadable("cut short", REPORT_ENTRY));
    try {
      this.report = JSON.parse(text.toString("utf8"));
    } catch {
      this.fail(violation(REPORT_ENTRY, "not valid JSON"));
    }
  }

  private async writeWheel(entry: ReadEntry, folder: OutputFolder, filename: string): Promise<void> {
    const dir = path.join(this.intoDir, folder);
    const target = path.join(dir, filename);
    const hash = createHash("sha256");
    let written = 0;
    try {
      if (!this.madeFolders.has(folder)) {
        this.madeFolders.add(folder);
        mkdirSync(dir, { mode: 0o700 });
      }
      const handle = await openNewFile(target);
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          written += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(entry, tap, handle.createWriteStream(), { signal: this.stop.signal });
    } catch (error) {
      if (this.failure !== undefined) return; // stopped because of another entry
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOSPC" || code === "EDQUOT") {
        return this.fail(
          new ResourceError(
            `The disk holding ${this.intoDir} is full: writing ${filename} (${entry.size} bytes) failed (${code})`,
            { hint: "Free space on that disk (or move the wheelhouse), then build again.", cause: error },
          ),
        );
      }
      return this.fail(error as Error);
    }
    if (written !== entry.size) return this.fail(unreadable("cut short", entry.path));
    const file = { folder, filename, path: target, size: written, sha256: hash.digest("hex") };
    this.files.push(file);
    this.onFile?.(file);
  }
}

/** `wx`: O_CREAT | O_EXCL, which never follows a link and never reuses a file. Mode 0644 whatever the umask. */
async function openNewFile(target: string): Promise<FileHandle> {
  const handle = await open(target, "wx", 0o644);
  try {
    await handle.chmod(0o644);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** The entry a tar warning is about, when it says (`entry` on truncation, `header` on a bad header). */
function entryPathOf(data: Record<string, unknown>): string | undefined {
  for (const key of ["entry", "header"]) {
    const value = data[key] as { path?: unknown } | undefined;
    if (typeof value?.path === "string") return value.path;
  }
  return undefined;
}

function collectInto(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
}
