// Whether the package indexes a build would use can be reached, asked once before the build (a name
// lookup, then a connection, each with a short timeout): pip would otherwise try an unreachable
// index several times for every package (one build here lost 90 s that way, silently).
import { lookup } from "node:dns/promises";
import { connect } from "node:net";
import type { IndexSettings } from "../domain/index-settings.js";

export const DEFAULT_INDEX = "https://pypi.org/simple";
const TIMEOUT_MS = 3000;

export interface Unreachable {
  url: string;
  reason: string;
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function probe(url: string): Promise<string | undefined> {
  const parsed = new URL(url);
  const port = Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80));
  try {
    const { address } = await withTimeout(lookup(parsed.hostname), `looking up ${parsed.hostname}`);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const socket = connect({ host: address, port }, () => {
          socket.destroy();
          resolve();
        });
        socket.on("error", reject);
      }),
      `connecting to ${parsed.hostname}:${port}`,
    );
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The http(s) indexes that cannot be reached (pip's default one too, when no index-url is set).
 * Behind a proxy pip connects through it, so nothing is probed then.
 */
export async function unreachableIndexes(
  index: IndexSettings,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Unreachable[]> {
  if (["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "PIP_PROXY"].some((key) => env[key]))
    return [];
  const urls = [index.indexUrl ?? DEFAULT_INDEX, ...index.extraIndexUrls].filter((url) =>
    /^https?:\/\//i.test(url),
  );
  const results = await Promise.all(urls.map(async (url) => ({ url, reason: await probe(url) })));
  return results.filter((r): r is Unreachable => r.reason !== undefined);
}

/**
 * The settings without the unreachable indexes. pip's default index cannot be left out on its own
 * (`--no-index` would drop the extra ones too): the first extra index takes its place.
 */
export function withoutUnreachable(index: IndexSettings, unreachable: readonly Unreachable[]): IndexSettings {
  const gone = new Set(unreachable.map((u) => u.url));
  const extras = index.extraIndexUrls.filter((url) => !gone.has(url));
  const main = index.indexUrl ?? DEFAULT_INDEX;
  if (!gone.has(main)) return { ...index, extraIndexUrls: extras };
  return {
    indexUrl: extras[0],
    extraIndexUrls: extras.slice(1),
    findLinks: index.findLinks,
    noIndex: extras.length === 0,
  };
}
