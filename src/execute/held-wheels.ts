// Wheels the builder does not hand over because the host has them already. Held (HelperRequest.
// hostWheels): bytes the result store holds, taken from it; a forced rebuild then copies out only
// what is new. (Wheels at a path in the host's own local index folders: host-files.ts.) The report
// stays the builder's word: a held entry is taken only for a name and sha256 the host offered; every
// such file is hashed where it lands and then verified like a received one.
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { IntegrityError, UntrustedOutputError } from "../errors.js";
import type { ReceivedFile, ReceivedOutput } from "./builder-output.js";
import type { ResultStore } from "./result-store.js";

export interface HostWheel {
  filename: string;
  sha256: string;
}

export const heldEntries = z.object({
  wheels: z.array(
    z.object({
      filename: z.string(),
      folder: z.enum(["app", "deps"]),
      held: z.string().optional(),
      at: z.string().max(4096).optional(),
    }),
  ),
});

export function untrusted(message: string): UntrustedOutputError {
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
export function landingPath(intoDir: string, entry: { filename: string; folder: "app" | "deps" }): string {
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
