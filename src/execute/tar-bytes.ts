// A small tar archive built in memory (ustar headers from the tar package): for files the host
// makes itself, such as the helper's request and the netrc, so a secret never touches the disk.
import { Readable } from "node:stream";
import type { Header as TarHeader } from "tar";
import { loadTar } from "./tar-lib.js";

export interface TarFile {
  name: string;
  content: string | Buffer;
  mode: number;
}

export function tarBytes(files: readonly TarFile[], Header: typeof TarHeader): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const body = Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content);
    const header = Buffer.alloc(512);
    new Header({
      path: file.name,
      mode: file.mode,
      size: body.length,
      type: "File",
      mtime: new Date(0),
    }).encode(header, 0);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024)); // the end-of-archive marker
  return Buffer.concat(blocks);
}

export async function tarStream(files: readonly TarFile[]): Promise<Readable> {
  const { Header } = await loadTar();
  return Readable.from([tarBytes(files, Header)]);
}
