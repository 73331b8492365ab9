// Publishing a manifest list through the engine's client (docker's or podman's `manifest`
// commands, src/domain/manifest-list-commands.ts): runs the sequence, stops at the first failure,
// always drops the local list afterwards, and reads the digest the registry gave the list.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EngineBinary, EngineCommand } from "../domain/engine-commands.js";
import { type ManifestListMember, manifestListCommands } from "../domain/manifest-list-commands.js";
import type { ManifestListOptions, ManifestListResult } from "./engine.js";
import type { RunOptions, RunResult } from "./process-runner.js";

export type RunEngineCommand = (command: EngineCommand, options: RunOptions) => Promise<RunResult>;

const DIGEST = /sha256:[0-9a-f]{64}/g;

/** docker prints the list's digest as its push's last line; podman writes it to the digest file. */
function digestOf(binary: EngineBinary, pushed: RunResult, digestFile: string): string | undefined {
  if (binary === "podman") {
    try {
      return readFileSync(digestFile, "utf8").match(DIGEST)?.[0];
    } catch {
      return undefined;
    }
  }
  return pushed.stdout.match(DIGEST)?.at(-1);
}

export async function publishManifestList(
  run: RunEngineCommand,
  binary: EngineBinary,
  list: string,
  members: readonly ManifestListMember[],
  options: ManifestListOptions,
): Promise<ManifestListResult> {
  const scratch = mkdtempSync(path.join(tmpdir(), "wheelwright-manifest-list-"));
  const digestFile = path.join(scratch, "digest");
  const { discard, steps } = manifestListCommands(binary, list, members, {
    insecure: options.insecure,
    configDir: options.configDir,
    digestFile,
  });
  const own = { timeoutMs: options.timeoutMs, signal: options.signal, onLine: options.onOutput };
  try {
    await run(discard, { timeoutMs: 60_000 });
    let last: RunResult | undefined;
    for (const step of steps) {
      last = await run(step, own);
      if (last.exitCode !== 0 || last.timedOut || last.aborted) break;
    }
    const result = last!;
    const ok = result.exitCode === 0 && !result.timedOut && !result.aborted;
    return {
      exitCode: result.exitCode,
      output: `${result.stdout}${result.stderr}`,
      timedOut: result.timedOut,
      aborted: result.aborted,
      digest: ok ? digestOf(binary, result, digestFile) : undefined,
    };
  } finally {
    // A failed run leaves docker's local list (push --purge drops it only on success): drop it.
    await run(discard, { timeoutMs: 60_000 });
    rmSync(scratch, { recursive: true, force: true });
  }
}
