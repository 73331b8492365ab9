// Reads what the kernel says about foreign-architecture handlers (binfmt_misc) and hands it to the
// pure emulationFact (domain/emulation.ts). Files only, no process. The facts are this machine's
// kernel's: an engine reached through DOCKER_HOST runs on another kernel, which may differ.
import { existsSync, readFileSync } from "node:fs";
import { machine } from "node:os";
import path from "node:path";
import {
  type EmulatedPlatform,
  type EmulationFact,
  emulationFact,
  emulationHandler,
  parseBinfmtHandler,
} from "../domain/emulation.js";

export const BINFMT_MISC = "/proc/sys/fs/binfmt_misc";

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Whether `platform`'s containers can run on this machine; `binfmt` and `hostMachine` are for tests. */
export function readHostEmulation(
  platform: EmulatedPlatform = "linux/arm64",
  binfmt = BINFMT_MISC,
  hostMachine = machine(),
): EmulationFact {
  const handler = readIfThere(path.join(binfmt, emulationHandler(platform)));
  const interpreter = handler === undefined ? undefined : parseBinfmtHandler(handler).interpreter;
  return emulationFact(platform, {
    machine: hostMachine,
    status: readIfThere(path.join(binfmt, "status")),
    handler,
    interpreterExists: interpreter !== undefined && existsSync(interpreter),
  });
}
