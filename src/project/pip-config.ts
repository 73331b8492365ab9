// The host's pip index settings, so a team's mirror configured in pip.conf works in containers too.

import type { ResolvedConfig } from "../config/schema.js";
import { type IndexSettings, indexSettingsFromPipEnv, parsePipConfigList } from "../domain/index-settings.js";
import type { ProcessRunner } from "../engine/process-runner.js";

export async function readHostPipSettings(
  runner: ProcessRunner,
  env: Record<string, string | undefined>,
): Promise<Partial<IndexSettings>> {
  const listed = await runner.run(["python3", "-m", "pip", "config", "list"], { env, timeoutMs: 30_000 });
  const fromFiles = listed.exitCode === 0 ? parsePipConfigList(listed.stdout) : {};
  return { ...fromFiles, ...indexSettingsFromPipEnv(env) };
}

/** Config values win; each missing one falls back to the host's pip settings. */
export async function resolveIndexSettings(
  config: ResolvedConfig,
  runner: ProcessRunner,
  env: Record<string, string | undefined>,
): Promise<IndexSettings> {
  const needHost =
    config.indexUrl.value === undefined ||
    config.extraIndexUrls.value === undefined ||
    config.findLinks.value === undefined;
  const host = needHost ? await readHostPipSettings(runner, env) : {};
  return {
    indexUrl: config.indexUrl.value ?? host.indexUrl,
    extraIndexUrls: config.extraIndexUrls.value ?? host.extraIndexUrls ?? [],
    findLinks: config.findLinks.value ?? host.findLinks ?? [],
  };
}
