// The file under a wheel's zip, for yauzl: reads are served from a window of the file refilled by
// one synchronous read when a read misses it. yauzl's own fd reader makes two asynchronous reads per
// central directory record, about half a second for Django's 3668 members on this machine.
import { createReadStream, readSync } from "node:fs";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import yauzl from "yauzl";

export const WINDOW_BYTES = 1024 * 1024;

/** Reads served from a window of the file, refilled with one synchronous read when a read misses it. */
export class WindowReader extends yauzl.RandomAccessReader {
  private readonly window = Buffer.allocUnsafe(WINDOW_BYTES);
  private windowStart = 0;
  private windowLength = 0;

  constructor(
    private readonly file: string,
    private readonly fd: number,
  ) {
    super();
  }

  /** Copies up to `length` bytes at `position` into `buffer`; fewer only at the end of the file. */
  readInto(buffer: Buffer, offset: number, length: number, position: number): number {
    if (length > WINDOW_BYTES) return readSync(this.fd, buffer, offset, length, position);
    const inWindow =
      position >= this.windowStart && position + length <= this.windowStart + this.windowLength;
    if (!inWindow) {
      this.windowStart = position;
      this.windowLength = readSync(this.fd, this.window, 0, WINDOW_BYTES, position);
    }
    const from = position - this.windowStart;
    return this.window.copy(buffer, offset, from, Math.min(from + length, this.windowLength));
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (error: Error | null) => void,
  ): void {
    // yauzl's callback takes the byte count too (it reports "unexpected EOF" when it is short).
    const done = callback as (error: Error | null, bytesRead?: number) => void;
    let read: number;
    try {
      read = this.readInto(buffer, offset, length, position);
    } catch (error) {
      done(error as Error);
      return;
    }
    done(null, read);
  }

  override _readStreamForRange(start: number, end: number): Readable {
    // Its own descriptor: a stream given ours closed it when iterating it ended, whatever `autoClose` said.
    return createReadStream(this.file, { start, end: end - 1 });
  }
}

// zlib.crc32 arrived in Node 20.15; package.json allows 20.9, so older 20.x computes it here.
export const crc32: (data: Buffer, value: number) => number =
  typeof zlib.crc32 === "function" ? zlib.crc32 : tableCrc32;

let crcTable: Uint32Array | undefined;
export function tableCrc32(data: Buffer, value: number): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = ~value;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
