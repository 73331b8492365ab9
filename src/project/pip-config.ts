// The host's pip index settings, so a team's mirror configured in pip.conf works in containers too.
// Read from pip's own files and PIP_* variables: no process is started.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import type { ResolvedConfig } from "../config/schema.js";
import { type IndexSettings, indexSettingsFromPipEnv } from "../domain/index-settings.js";
import { indexSettingsFromFiles, parsePipConfigFile, pipConfigFiles } from "../domain/pip-config.js";

export interface HostPipSettings {
  settings: Partial<IndexSettings>;
  /** The files read, in pip's order (for `info`). */
  files: string[];
}

export function readHostPipSettings(env: Readonly<Record<string, string | undefined>>): HostPipSettings {
  const all = pipConfigFiles(env, env.HOME ?? homedir());
  // pip skips the user's files when PIP_CONFIG_FILE names a file that exists.
  const skipUser = env.PIP_CONFIG_FILE !== undefined && existsSync(env.PIP_CONFIG_FILE);
  const files = all.filter(
    (file) =>
      existsSync(file) && !(skipUser && (file.endsWith("/.pip/pip.conf") || file.includes("/.config/pip/"))),
  );
  const parsed = files.map((file) => parsePipConfigFile(readFileSync(file, "utf8")));
  return { settings: { ...indexSettingsFromFiles(parsed), ...indexSettingsFromPipEnv(env) }, files };
}

/** Config values win; each missing one falls back to the host's pip settings. */
export function resolveIndexSettings(
  config: ResolvedConfig,
  env: Readonly<Record<string, string | undefined>>,
): IndexSettings {
  const needHost =
    config.indexUrl.value === undefined ||
    config.extraIndexUrls.value === undefined ||
    config.findLinks.value === undefined;
  const host = needHost ? readHostPipSettings(env).settings : {};
  return {
    indexUrl: config.indexUrl.value ?? host.indexUrl,
    extraIndexUrls: config.extraIndexUrls.value ?? host.extraIndexUrls ?? [],
    findLinks: config.findLinks.value ?? host.findLinks ?? [],
  };
}
