// os-release(5), as the release check prints it from inside the image: which distribution the
// image is (its ID and VERSION_ID), for the SBOM's Debian purls and its operating-system component.
// Untrusted like everything the check prints: only values of the spec's own charsets are kept.

export interface OsRelease {
  /** `debian`, `ubuntu`: lowercase letters, digits, `._-`. */
  id: string;
  /** `12`; absent for a rolling release (Debian sid). */
  versionId?: string;
}

const MAX_BYTES = 64 * 1024;
const ID = /^[a-z0-9._-]{1,64}$/;
const VERSION_ID = /^[a-zA-Z0-9._~-]{1,64}$/;
const ASSIGNMENT = /^([A-Z][A-Z0-9_]*)=(.*)$/;

/** The os-release facts, or problems; no text (no os-release in the image): neither. */
export function parseOsRelease(text: string): { os?: OsRelease; problems: string[] } {
  if (text.length > MAX_BYTES) return { problems: [`its os-release is over ${MAX_BYTES / 1024} KiB`] };
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    // Comments and lines that assign nothing are skipped, as os-release(5) asks of its readers.
    const assignment = ASSIGNMENT.exec(line.trim());
    if (assignment !== null) values.set(assignment[1]!, unquote(assignment[2]!));
  }
  const id = values.get("ID");
  const versionId = values.get("VERSION_ID");
  const problems = [
    ...(id === undefined || ID.test(id) ? [] : [`its os-release has an invalid ID: ${JSON.stringify(id)}`]),
    ...(versionId === undefined || VERSION_ID.test(versionId)
      ? []
      : [`its os-release has an invalid VERSION_ID: ${JSON.stringify(versionId)}`]),
  ];
  if (problems.length > 0 || id === undefined) return { problems };
  return { os: { id, ...(versionId === undefined ? {} : { versionId }) }, problems };
}

/** A shell-style value: double quotes with backslash escapes, single quotes, or bare. */
function unquote(value: string): string {
  const text = value.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"'))
    return text.slice(1, -1).replace(/\\(["\\$`])/g, "$1");
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1);
  return text;
}
