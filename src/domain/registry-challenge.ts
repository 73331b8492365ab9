// The registry's WWW-Authenticate challenge (RFC 7235, as the distribution token spec uses it):
// `Basic realm="..."`, or `Bearer realm="https://auth.example/token",service="...",scope="..."`
// naming where to get a token. Pure, so a hostile or odd header is tested without a registry.

export type Challenge =
  | { scheme: "basic"; realm: string | undefined }
  | { scheme: "bearer"; realm: string; service: string | undefined; scope: string | undefined };

/** The parameters of one challenge: `key=value` or `key="quoted, with \" escapes"`, comma-separated. */
function parameters(text: string): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/gy;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const key = match[1]!.toLowerCase();
    if (!found.has(key))
      found.set(key, match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : match[3]!);
    if (pattern.lastIndex >= text.length) break;
  }
  return found;
}

/** The challenge a 401 carries, or undefined when it names no scheme this client speaks. */
export function parseChallenge(header: string | null | undefined): Challenge | undefined {
  if (header === null || header === undefined) return undefined;
  const match = /^\s*([A-Za-z]+)(?:\s+(.*))?$/s.exec(header);
  if (match === null) return undefined;
  const scheme = match[1]!.toLowerCase();
  const params = parameters(match[2] ?? "");
  if (scheme === "basic") return { scheme, realm: params.get("realm") };
  if (scheme !== "bearer") return undefined;
  const realm = params.get("realm");
  // A token realm must be a URL of its own; anything else would send credentials who knows where.
  if (realm === undefined || !/^https?:\/\/[^\s]+$/i.test(realm)) return undefined;
  return { scheme, realm, service: params.get("service"), scope: params.get("scope") };
}

/** The token request's URL: the realm with `service` and `scope` (the scope asked, else the challenge's). */
export function tokenUrl(challenge: Extract<Challenge, { scheme: "bearer" }>, scope: string): string {
  const url = new URL(challenge.realm);
  if (challenge.service !== undefined) url.searchParams.set("service", challenge.service);
  url.searchParams.set("scope", challenge.scope ?? scope);
  return url.toString();
}
