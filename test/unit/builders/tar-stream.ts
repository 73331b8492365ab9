// Tar archives written block by block, so a test can hand the receiver exactly what a hostile build
// step (or a cut-short copy) would produce: links, devices, pax and GNU renames, lying sizes.
import { Readable } from "node:stream";
import { Header } from "tar";

const BLOCK = 512;

export interface TarEntry {
  path: string;
  /** tar's type name (`File`, `Directory`, `SymbolicLink`, ...); default `File`. */
  type?: string;
  body?: Buffer | string;
  /** The size the header declares, when it should differ from the body's length. */
  size?: number;
  linkpath?: string;
  /** A pax extended header (`x`) in front of the entry. */
  pax?: Record<string, string>;
  /** The path goes in a GNU long-name (`L`) entry in front; the header holds a cut version of it. */
  gnuLongName?: boolean;
  /** A raw typeflag byte written over the header's, for types tar cannot encode. */
  typeflag?: string;
}

function padded(body: Buffer): Buffer {
  const rest = body.length % BLOCK;
  return rest === 0 ? body : Buffer.concat([body, Buffer.alloc(BLOCK - rest)]);
}

function headerBlock(fields: ConstructorParameters<typeof Header>[0], typeflag?: string): Buffer {
  const block = Buffer.alloc(BLOCK);
  new Header({ mode: 0o644, mtime: new Date(0), uid: 0, gid: 0, ...fields }).encode(block);
  if (typeflag !== undefined) {
    block.write(typeflag, 156, 1, "latin1");
    rewriteChecksum(block);
  }
  return block;
}

export function rewriteChecksum(block: Buffer): void {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block.subarray(0, BLOCK)) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "latin1");
}

/** One pax record: `<length> <key>=<value>\n`, the length counting itself. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(rest) + 1;
  while (String(length).length + Buffer.byteLength(rest) !== length) length += 1;
  return `${length}${rest}`;
}

function entryBlocks(entry: TarEntry): Buffer[] {
  const blocks: Buffer[] = [];
  if (entry.pax !== undefined) {
    const body = Buffer.from(
      Object.entries(entry.pax)
        .map(([key, value]) => paxRecord(key, value))
        .join(""),
    );
    blocks.push(
      headerBlock({ path: "PaxHeader/entry", type: "ExtendedHeader", size: body.length }),
      padded(body),
    );
  }
  let headerPath = entry.path;
  if (entry.gnuLongName === true) {
    const body = Buffer.from(`${entry.path}\0`);
    blocks.push(
      headerBlock({ path: "././@LongLink", type: "NextFileHasLongPath", size: body.length }),
      padded(body),
    );
    headerPath = entry.path.slice(0, 99);
  }
  const body = entry.body === undefined ? Buffer.alloc(0) : Buffer.from(entry.body);
  blocks.push(
    headerBlock(
      {
        path: headerPath,
        type: (entry.type ?? "File") as "File",
        size: entry.size ?? body.length,
        ...(entry.linkpath === undefined ? {} : { linkpath: entry.linkpath }),
      },
      entry.typeflag,
    ),
  );
  if (body.length > 0) blocks.push(padded(body));
  return blocks;
}

/** The archive's bytes; `end: false` leaves out the two zero blocks that mark its end. */
export function tarBytes(entries: readonly TarEntry[], options: { end?: boolean } = {}): Buffer {
  const blocks = entries.flatMap(entryBlocks);
  if (options.end !== false) blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}

/** A stream of the bytes in 64 KiB chunks, like a pipe from `docker cp`. */
export function streamOf(bytes: Buffer, chunkBytes = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
        yield bytes.subarray(offset, offset + chunkBytes);
      }
    })(),
  );
}

/** The output folders `docker cp` writes first. */
export const OUTPUT_FOLDERS: TarEntry[] = [
  { path: "out/", type: "Directory" },
  { path: "out/app/", type: "Directory" },
  { path: "out/deps/", type: "Directory" },
];
