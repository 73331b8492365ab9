// A wheel's zip, read the way an installer's zipfile reads it, and no more trustingly. yauzl parses
// the end record (zip64 included), the central directory and the local headers, and refuses trailing
// bytes that are not the archive comment. On top of it, this module checks what yauzl leaves open:
// member names that escape (absolute, `..`, backslash, NUL), a Unicode-path extra field that names a
// member differently from its header, duplicates, symlinks, a local header that disagrees with the
// central directory, members whose data overlap (the overlapping-file zip bomb), sizes and ratios
// past the bomb guard, and every member's CRC-32 and uncompressed size as it is read.
//
// Speed: Django's wheel has 3668 members. yauzl's own fd reader makes two asynchronous reads per
// central directory record (about 0.5 s here for the directory alone), so reads are served from a
// window of the file read synchronously; small members are inflated in one call; members larger than
// the window stream through yauzl's size-checking streams.
import { closeSync, fstatSync, openSync } from "node:fs";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { IntegrityError } from "../errors.js";
import { crc32, WINDOW_BYTES, WindowReader } from "./zip-window-reader.js";

export interface ZipMember {
  name: string;
  isDirectory: boolean;
  /** Uncompressed size as the central directory declares it (checked as the member is read). */
  size: number;
  compressedSize: number;
  crc32: number;
  compressed: boolean;
  dataStart: number;
}

// A member that inflates to more than this is streamed rather than inflated in one buffer.
const INFLATE_IN_ONE_CALL_BYTES = 8 * 1024 * 1024;
// The zip bomb guard: no member over 4 GiB, and none over 10 MiB that inflates more than 1000 times.
const MAX_MEMBER_BYTES = 4 * 1024 ** 3;
const RATIO_CHECKED_ABOVE_BYTES = 10 * 1024 * 1024;
const MAX_RATIO = 1000;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export const WHEEL_HINT =
  "The wheel is damaged or was made wrong: build it again (`wheelwright build --force`). " +
  "If it came from a package index, the index's copy is bad.";

/** `<wheel>: <member>: <rule>`, exit 7. */
export function wheelIntegrityError(wheel: string, member: string | undefined, rule: string): IntegrityError {
  const where = member === undefined ? "" : `${printableName(member)}: `;
  return new IntegrityError(`${wheel}: ${where}${rule}`, { hint: WHEEL_HINT });
}

function printableName(name: string): string {
  return JSON.stringify(name).slice(1, -1);
}

export class WheelZip {
  private readonly scratch = Buffer.allocUnsafe(WINDOW_BYTES);

  private constructor(
    private readonly wheel: string,
    private readonly fd: number,
    private readonly reader: WindowReader,
    private readonly zip: ZipFile,
    readonly members: readonly ZipMember[],
  ) {}

  /** Opens `file` and checks its directory; `wheel` names it in errors. The caller must `close()`. */
  static async open(file: string, wheel: string): Promise<WheelZip> {
    const fd = openSync(file, "r");
    try {
      const reader = new WindowReader(file, fd);
      const zip = await yauzl
        .fromRandomAccessReaderPromise(reader, fstatSync(fd).size, {
          lazyEntries: true,
          validateEntrySizes: true,
          decodeStrings: false, // names are decoded below, where a disagreeing Unicode-path field is caught
          autoClose: false,
        })
        .catch((error: Error) => {
          throw wheelIntegrityError(wheel, undefined, `not a sound zip archive (${error.message})`);
        });
      const directoryStart = zip.readEntryCursor as unknown as number;
      const entries = await readEntries(zip, wheel);
      const members: ZipMember[] = [];
      for (const entry of entries) members.push(await checkMember(zip, entry, wheel));
      checkNoOverlap(members, entries, directoryStart, wheel);
      return new WheelZip(wheel, fd, reader, zip, members);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  close(): void {
    this.zip.close();
    closeSync(this.fd);
  }

  /**
   * Passes the member's uncompressed bytes to `onChunk`, checking its size and CRC-32 on the way.
   * A chunk is only valid during the call (buffers are reused): copy what must be kept.
   */
  async read(member: ZipMember, onChunk: (chunk: Buffer) => void): Promise<void> {
    let crc = 0;
    let size = 0;
    const take = (chunk: Buffer) => {
      crc = crc32(chunk, crc);
      size += chunk.length;
      onChunk(chunk);
    };
    try {
      if (member.compressedSize <= WINDOW_BYTES && member.size <= INFLATE_IN_ONE_CALL_BYTES) {
        take(this.readWhole(member));
      } else {
        for await (const chunk of await this.stream(member)) take(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof IntegrityError) throw error;
      throw wheelIntegrityError(this.wheel, member.name, `unreadable (${(error as Error).message})`);
    }
    if (size !== member.size) {
      throw wheelIntegrityError(
        this.wheel,
        member.name,
        `${size} bytes, but the zip declares ${member.size}`,
      );
    }
    if (crc !== member.crc32) throw wheelIntegrityError(this.wheel, member.name, "its CRC-32 does not match");
  }

  private readWhole(member: ZipMember): Buffer {
    // One scratch buffer for every small member's compressed bytes: thousands of members, no garbage.
    const raw = this.scratch.subarray(0, member.compressedSize);
    if (this.reader.readInto(raw, 0, raw.length, member.dataStart) !== raw.length) {
      throw new Error("the file ends inside it");
    }
    // maxOutputLength: a member that inflates past its declared size fails here, not after.
    return member.compressed ? zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, member.size) }) : raw;
  }

  private stream(member: ZipMember): Promise<Readable> {
    return new Promise((resolve, reject) => {
      // yauzl 3.4's openReadStreamLowLevelPromise calls the wrong function: use the callback form.
      this.zip.openReadStreamLowLevel(
        member.dataStart,
        member.compressedSize,
        0,
        member.compressedSize,
        member.compressed,
        member.size,
        (error, stream) => (error ? reject(error) : resolve(stream)),
      );
    });
  }
}

async function readEntries(zip: ZipFile, wheel: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: Entry) => {
      entries.push(entry);
      // Reads complete synchronously here: a microtask keeps 3000 entries from nesting on the stack.
      queueMicrotask(() => zip.readEntry());
    });
    zip.on("end", () => resolve());
    zip.on("error", (error: Error) =>
      reject(wheelIntegrityError(wheel, undefined, `not a sound zip archive (${error.message})`)),
    );
    zip.readEntry();
  });
  return entries;
}

async function checkMember(zip: ZipFile, entry: Entry, wheel: string): Promise<ZipMember> {
  const raw = entry.fileName as unknown as Buffer; // decodeStrings: false
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, [], true);
  const fail = (rule: string) => wheelIntegrityError(wheel, name, rule);
  if (yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true) !== name) {
    throw fail("its Unicode-path extra field names another file");
  }
  const nameRule = memberNameRule(name);
  if (nameRule !== undefined) throw fail(nameRule);
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) throw fail("a symbolic link");
  if ((entry.generalPurposeBitFlag & 0x1) !== 0) throw fail("encrypted");
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw fail(`compression method ${entry.compressionMethod} (a wheel is stored or deflated)`);
  }
  const isDirectory = name.endsWith("/");
  if (isDirectory && entry.uncompressedSize !== 0) throw fail("a folder entry with content");
  if (entry.uncompressedSize > MAX_MEMBER_BYTES)
    throw fail(`${entry.uncompressedSize} bytes uncompressed (over 4 GiB)`);
  if (
    entry.uncompressedSize > RATIO_CHECKED_ABOVE_BYTES &&
    entry.uncompressedSize > MAX_RATIO * Math.max(1, entry.compressedSize)
  ) {
    throw fail(`inflates ${entry.compressedSize} bytes to ${entry.uncompressedSize} (over ${MAX_RATIO}:1)`);
  }
  const local = await zip.readLocalFileHeaderPromise(entry).catch((error: Error) => {
    throw fail(`its local header is unreadable (${error.message})`);
  });
  // zipfile refuses a local header naming another file than the directory; a method that differs
  // would make one reader inflate what another copies.
  if (!local.fileName.equals(raw)) throw fail("its local header names another file");
  if (local.compressionMethod !== entry.compressionMethod)
    throw fail("its local header has another compression method");
  return {
    name,
    isDirectory,
    size: entry.uncompressedSize,
    compressedSize: entry.compressedSize,
    crc32: entry.crc32,
    compressed: entry.compressionMethod === 8,
    dataStart: local.fileDataStart,
  };
}

/** Why a member name is refused, or undefined. Folders end in `/`; nothing else may be odd. */
export function memberNameRule(name: string): string | undefined {
  if (name === "") return "an empty member name";
  if (hasControlCharacter(name)) return "a name with a control character";
  if (name.includes("\\")) return "a name with a backslash";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "an absolute path";
  const segments = (name.endsWith("/") ? name.slice(0, -1) : name).split("/");
  if (segments.includes("..")) return "a path that leaves the install folder";
  if (segments.some((segment) => segment === "" || segment === ".")) return "an empty or `.` path segment";
  return undefined;
}

function hasControlCharacter(name: string): boolean {
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Each member's data must end before the next member's local header, and all before the directory. */
function checkNoOverlap(members: ZipMember[], entries: Entry[], directoryStart: number, wheel: string): void {
  const seen = new Set<string>();
  for (const member of members) {
    const key = member.isDirectory ? member.name.slice(0, -1) : member.name;
    if (seen.has(key)) throw wheelIntegrityError(wheel, member.name, "a duplicate member");
    seen.add(key);
  }
  const spans = members
    .map((member, index) => ({
      member,
      start: entries[index]!.relativeOffsetOfLocalHeader,
      end: member.dataStart + member.compressedSize,
    }))
    .sort((a, b) => a.start - b.start);
  spans.forEach((span, index) => {
    const limit = spans[index + 1]?.start ?? directoryStart;
    if (span.end > limit)
      throw wheelIntegrityError(wheel, span.member.name, "its data overlaps another member");
  });
}
