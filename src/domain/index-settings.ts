// Where pip finds packages: the config's values, else the host's pip configuration. Credentials in
// URLs are secrets: redacted from everything printed, never put in argv.

export interface IndexSettings {
  indexUrl: string | undefined;
  extraIndexUrls: string[];
  findLinks: string[];
  /** No index at all, only find-links (when pip's default index is unreachable and nothing replaces it). */
  noIndex?: boolean;
}

/** pip's own environment variables override its config files, as pip itself does. */
export function indexSettingsFromPipEnv(
  env: Readonly<Record<string, string | undefined>>,
): Partial<IndexSettings> {
  const words = (value: string) => value.split(/\s+/).filter((word) => word !== "");
  const result: Partial<IndexSettings> = {};
  if (env.PIP_INDEX_URL) result.indexUrl = env.PIP_INDEX_URL;
  if (env.PIP_EXTRA_INDEX_URL) result.extraIndexUrls = words(env.PIP_EXTRA_INDEX_URL);
  if (env.PIP_FIND_LINKS) result.findLinks = words(env.PIP_FIND_LINKS);
  return result;
}

/** Credentials in URLs: with a password the user name stays readable; a lone user part is usually a token. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^@/:\s"']*)(:[^@/\s"']*)?@/gi;

/** Every URL's credentials in a text redacted: `https://user:secret@host` -> `https://user:****@host`. */
export function redactUrls(text: string): string {
  return text.replace(URL_CREDENTIALS, (_, scheme: string, user: string, password?: string) =>
    password === undefined || user === "" ? `${scheme}****@` : `${scheme}${user}:****@`,
  );
}

/** `https://user:secret@host/simple` -> `https://user:****@host/simple`. */
export function redactUrl(url: string): string {
  return redactUrls(url);
}

/** The secret parts of URLs, for the redactor: passwords (and tokens given as the user). */
export function urlSecrets(urls: readonly string[]): string[] {
  const secrets: string[] = [];
  for (const url of urls) {
    const match = /^[a-z][a-z0-9+.-]*:\/\/([^@/:]*)(?::([^@/]*))?@/i.exec(url);
    if (!match) continue;
    if (match[2]) secrets.push(match[2], decodeURIComponent(match[2]));
    else if (match[1]) secrets.push(match[1], decodeURIComponent(match[1]));
  }
  return [...new Set(secrets.filter((secret) => secret.length >= 3))];
}

export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const sorted = [...secrets].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const secret of sorted) result = result.split(secret).join("****");
    return result;
  };
}
