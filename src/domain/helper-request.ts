// What the host hands the builder helper: a request file (nothing secret, no user path in argv) and
// a netrc file with the index credentials (the URLs in the request carry none, so no process's argv
// ever holds a password: pip passes index URLs to its build-isolation children in argv).
import type { IndexSettings } from "./index-settings.js";

export interface HelperRequest {
  version: 1;
  source: string;
  out: string;
  work: string;
  cache: string;
  expectName: string | null;
  extras: string[];
  groups: string[];
  requirements: string[];
  lock: { path: string; format: "pylock" | "uv" | "poetry" | "requirements" } | null;
  appOnly: boolean;
  freshBuildEnv: boolean;
  index: { indexUrl: string | null; extraIndexUrls: string[]; findLinks: string[]; noIndex?: boolean };
  jobs: number;
  sourceDateEpoch: number | null;
  staticRequires: string[] | null;
  /**
   * Wheels the registry wheel cache holds for sdists of this builder (issue 13), verified by the
   * host, in `dir`: the helper uses one instead of compiling an sdist of exactly that sha256.
   */
  sdistWheels?: { dir: string; wheels: { sdist: string; filename: string; sha256: string }[] };
  /**
   * Wheels the host already holds, verified (the previous set's, in the result store): one the
   * helper ends with, byte for byte (same file name and sha256), is listed in the report as held
   * and not handed over. The host then takes its own copy: the bytes are the same either way.
   */
  hostWheels?: { filename: string; sha256: string }[];
  /**
   * The host's local index folders (file:// indexes, find-links folders) as the builder sees them:
   * mounted read-only, or copied in, at the same path. A fetched wheel that is a copy of a file in
   * one is listed with `at` (its path) and not handed over: the host reads its own file there.
   */
  hostFolders?: string[];
}

export interface NetrcEntry {
  host: string;
  login: string;
  password: string;
}

/** A URL without its `user:password@` part, and the credential it carried (if any). */
export function splitCredentials(url: string): { url: string; credential: NetrcEntry | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, credential: undefined };
  }
  if (parsed.username === "" && parsed.password === "") return { url, credential: undefined };
  const credential = {
    host: parsed.hostname,
    login: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.toString(), credential };
}

/** The index settings with credentials moved out of the URLs, and the netrc entries they make. */
export function separateCredentials(index: IndexSettings): { index: IndexSettings; netrc: NetrcEntry[] } {
  const entries: NetrcEntry[] = [];
  const strip = (url: string) => {
    const { url: bare, credential } = splitCredentials(url);
    if (credential !== undefined) entries.push(credential);
    return bare;
  };
  return {
    index: {
      indexUrl: index.indexUrl === undefined ? undefined : strip(index.indexUrl),
      extraIndexUrls: index.extraIndexUrls.map(strip),
      findLinks: index.findLinks.map((link) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(link) ? strip(link) : link)),
    },
    netrc: entries,
  };
}

/** netrc's format: one `machine` line per host (the first credential for a host wins, as netrc reads it). */
export function netrcText(entries: readonly NetrcEntry[]): string {
  const seen = new Set<string>();
  // Python's netrc reads double-quoted tokens (an empty password is `""`: a token given as the user).
  const quote = (value: string) =>
    /^[^\s"\\]+$/.test(value) ? value : `"${value.replace(/["\\]/g, "\\$&")}"`;
  const lines: string[] = [];
  for (const entry of entries) {
    if (seen.has(entry.host)) continue;
    seen.add(entry.host);
    lines.push(`machine ${entry.host} login ${quote(entry.login)} password ${quote(entry.password)}`);
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
