// Package URLs (package-url/purl-spec) for the SBOMs: PyPI wheels and Debian packages. Each
// component is percent-encoded but for the unreserved characters, so a PEP 440 local version's `+`
// is `%2B` and a Debian epoch's `:` is `%3A`, as packageurl-js writes them.
import { normalizeName } from "./names.js";

export function percentEncode(text: string): string {
  return [...new TextEncoder().encode(text)]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9._~-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

/**
 * The purl of a PyPI package (purl-spec's pypi type): the PEP 503 name (lowercase, runs of `-_.`
 * one `-`), the version as written, percent-encoded (a local version's `+` is `%2B`).
 */
export function pypiPurl(name: string, version: string): string {
  return `pkg:pypi/${percentEncode(normalizeName(name))}@${percentEncode(version)}`;
}

/**
 * The purl of a Debian package (purl-spec's deb type): the vendor (`debian`, `ubuntu`) as its
 * namespace, name and vendor lowercased, the version with its epoch, the qualifiers sorted by key
 * (`arch`, `distro`; `arch=source` names a source package). Undefined qualifiers are left out.
 */
export function debPurl(
  vendor: string,
  name: string,
  version: string,
  qualifiers: Readonly<Record<string, string | undefined>>,
): string {
  const pairs = Object.entries(qualifiers)
    .filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== "")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${percentEncode(value)}`);
  const base = `pkg:deb/${percentEncode(vendor.toLowerCase())}/${percentEncode(name.toLowerCase())}@${percentEncode(version)}`;
  return pairs.length === 0 ? base : `${base}?${pairs.join("&")}`;
}
