// One report file out of a container (pytest's JUnit XML), with the same distrust as the wheels:
// the tar is only parsed; the one regular file `out/<name>` (bounded) is written by this process
// with O_EXCL to a temporary name beside the target, then renamed; anything else is refused.
import { once } from "node:events";
import { renameSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import type { ReadEntry } from "tar";
import { UntrustedOutputError } from "../errors.js";
import { loadTar } from "./tar-lib.js";

export interface ReportFileResult {
  /** False when the container's output held no such file (the command wrote none). */
  found: boolean;
}

export async function receiveReportFile(
  tar: NodeJS.ReadableStream,
  name: string,
  target: string,
  maxBytes: number,
): Promise<ReportFileResult> {
  const { Parser } = await loadTar();
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.incoming`);
  let found = false;
  let failure: Error | undefined;
  const writes: Promise<void>[] = [];
  const refuse = (entry: ReadEntry, rule: string) => {
    failure ??= new UntrustedOutputError(`${entry.path.replace(/[\p{Cc}]/gu, "?")}: ${rule}`, {
      hint: "The test command (or something it ran) left it in the output folder; nothing was written from it.",
    });
    entry.resume();
  };
  const parser = new Parser({
    onReadEntry: (entry) => {
      if (entry.type === "Directory" && /^out\/?$/.test(entry.path)) return entry.resume();
      if (entry.path !== `out/${name}`) return refuse(entry, "not the report file");
      if (entry.type !== "File" && entry.type !== "OldFile")
        return refuse(entry, `an entry of type ${entry.type}`);
      if ((entry.size ?? 0) > maxBytes) return refuse(entry, `larger than ${maxBytes} bytes`);
      if (found) return refuse(entry, "a second copy");
      found = true;
      writes.push(writeEntry(entry, temporary));
    },
  });
  parser.on("warn", (_code: string, message: string) => {
    failure ??= new UntrustedOutputError(`The test container's output is not a readable archive: ${message}`);
  });
  (tar as NodeJS.ReadableStream).pipe(parser as unknown as NodeJS.WritableStream);
  await once(parser, "end");
  await Promise.all(writes);
  if (failure !== undefined) {
    rmSync(temporary, { force: true });
    throw failure;
  }
  if (found) renameSync(temporary, target);
  return { found };
}

async function writeEntry(entry: ReadEntry, file: string): Promise<void> {
  const handle = await open(file, "wx", 0o644);
  try {
    for await (const chunk of entry as AsyncIterable<Buffer>) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}
