// The config keys that are also command-line flags, and how each is spelled: flags are one more
// layer of config (named after the keys, but `version` is `--image-version`: `--version` prints
// the tool's own).
import { type ConfigKey, ENGINES, NETWORK_MODES } from "./schema.js";

export interface ConfigFlag {
  key: ConfigKey;
  /** commander's spelling, e.g. `--image-version <tag>`. */
  flag: string;
  choices?: readonly string[];
  /** Repeatable: each use adds to a list. */
  list?: boolean;
  number?: boolean;
}

export const CONFIG_FLAGS: readonly ConfigFlag[] = [
  { key: "namespace", flag: "--namespace <ns>" },
  { key: "app", flag: "--app <name>" },
  { key: "version", flag: "--image-version <tag>" },
  { key: "images", flag: "--images <folder>" },
  { key: "source", flag: "--source <folder>" },
  { key: "wheelhouse", flag: "--wheelhouse <folder>" },
  { key: "engine", flag: "--engine <engine>", choices: ENGINES },
  { key: "network", flag: "--network <mode>", choices: NETWORK_MODES },
  { key: "index-url", flag: "--index-url <url>" },
  { key: "extra-index-urls", flag: "--extra-index-url <url>", list: true },
  { key: "find-links", flag: "--find-links <url>", list: true },
  { key: "timeout", flag: "--timeout <seconds>", number: true },
  { key: "memory", flag: "--memory <size>" },
  { key: "remote-index-limit", flag: "--remote-index-limit <size>" },
  { key: "cache", flag: "--cache <ref>" },
  { key: "cache-timeout", flag: "--cache-timeout <seconds>", number: true },
];

/** `--image-version` for `version`: how a flag-sourced value is named in messages. */
export function flagName(key: ConfigKey): string {
  return CONFIG_FLAGS.find((spec) => spec.key === key)?.flag.split(" ")[0] ?? `--${key}`;
}
