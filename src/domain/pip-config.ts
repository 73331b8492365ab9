// pip's own configuration, read the way pip reads it, so `build` knows the host's index settings
// without starting pip (a `pip config list` behind a pyenv shim costs most of a second).
// Files (lowest priority first): $PIP_CONFIG_FILE, the site-wide files, the user's files (skipped
// when $PIP_CONFIG_FILE names a file that exists), the virtualenv's; in each, [global] then the
// command's own section ([wheel], [download] or [install]) overrides; PIP_* variables beat files.
import type { IndexSettings } from "./index-settings.js";

/** One file's settings by section, keys normalised as pip does (lowercase, `_` -> `-`). */
export type PipConfigFile = Map<string, Map<string, string>>;

/** pip's INI dialect (RawConfigParser): sections, `key = value` or `key: value`, indented continuation lines. */
export function parsePipConfigFile(text: string): PipConfigFile {
  const sections: PipConfigFile = new Map();
  let section: Map<string, string> | undefined;
  let key: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(raw)) continue;
    const header = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (header !== null) {
      section = sections.get(header[1]!.trim()) ?? new Map();
      sections.set(header[1]!.trim(), section);
      key = undefined;
      continue;
    }
    if (/^\s/.test(raw) && section !== undefined && key !== undefined) {
      section.set(key, `${section.get(key) ?? ""}\n${raw.trim()}`.trim());
      continue;
    }
    const pair = /^([^=:]+)[=:](.*)$/.exec(raw);
    if (pair === null || section === undefined) continue;
    key = pair[1]!.trim().toLowerCase().replace(/_/g, "-").replace(/^--/, "");
    section.set(key, pair[2]!.trim());
  }
  return sections;
}

const words = (value: string) => value.split(/\s+/).filter((word) => word !== "");

/** The index settings the files give, in pip's order (later files and sections override earlier ones). */
export function indexSettingsFromFiles(files: readonly PipConfigFile[]): Partial<IndexSettings> {
  const values = new Map<string, string>();
  for (const file of files) {
    for (const section of ["global", "wheel", "download", "install"]) {
      for (const [key, value] of file.get(section) ?? []) values.set(key, value);
    }
  }
  const result: Partial<IndexSettings> = {};
  if (values.has("index-url")) result.indexUrl = values.get("index-url");
  if (values.has("extra-index-url")) result.extraIndexUrls = words(values.get("extra-index-url")!);
  if (values.has("find-links")) result.findLinks = words(values.get("find-links")!);
  if (values.has("no-index") && /^(1|true|yes|on)$/i.test(values.get("no-index")!))
    result.indexUrl = undefined;
  return result;
}

/** The config files pip reads on Linux, lowest priority first, for this environment. */
export function pipConfigFiles(env: Readonly<Record<string, string | undefined>>, home: string): string[] {
  const chosen = env.PIP_CONFIG_FILE;
  if (chosen === "/dev/null") return [];
  const xdgDirs = (env.XDG_CONFIG_DIRS || "/etc/xdg").split(":").filter((dir) => dir !== "");
  const global = [...xdgDirs.map((dir) => `${dir}/pip/pip.conf`), "/etc/pip.conf"];
  const user = [`${home}/.pip/pip.conf`, `${env.XDG_CONFIG_HOME || `${home}/.config`}/pip/pip.conf`];
  const site = env.VIRTUAL_ENV === undefined ? [] : [`${env.VIRTUAL_ENV}/pip.conf`];
  return [...(chosen === undefined ? [] : [chosen]), ...global, ...user, ...site];
}
