// wheelwright's cache folder on this machine (XDG_CACHE_HOME or ~/.cache): the local engine's venv,
// the result stores, and the bin's code cache. Node's own modules only: the bin (cli/launch.ts)
// imports it before the CLI's bundle is loaded.
import { homedir } from "node:os";
import path from "node:path";

export function localCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return path.join(env.XDG_CACHE_HOME ?? path.join(env.HOME ?? homedir(), ".cache"), "wheelwright");
}
