// sha256 of a file by streaming: a file is never read whole (a source file over 2 GiB crashed
// `readFileSync`, issue 8), so memory stays at one buffer whatever the file's size.
import { createHash } from "node:crypto";
import { closeSync, createReadStream, openSync, readSync } from "node:fs";

const CHUNK_BYTES = 1024 * 1024;

/** For the synchronous callers (source tree walk, wheelhouse checks): one fixed buffer, `readSync`. */
export function sha256FileSync(file: string): string {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(file, "r");
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/** Streams the file through sha256; a read error (the file removed, EIO) rejects. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}
