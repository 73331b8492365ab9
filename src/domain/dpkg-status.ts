// dpkg's status database (/var/lib/dpkg/status), as the release check prints it from inside the
// image: the Debian packages the image holds, for its SBOM. The image is built from the user's
// Dockerfile and third-party wheels, so the text is untrusted: it is parsed strictly (deb822
// paragraphs, Debian policy's rules for names, versions and architectures), its size and counts are
// capped, and anything else is a problem to report, never a value that reaches the SBOM.

export interface DebPackage {
  name: string;
  version: string;
  architecture: string;
  /** The source package, when its name (or version) differs from the binary package's. */
  source?: { name: string; version?: string };
}

export interface DpkgStatus {
  /** Installed packages, sorted by name, then architecture. */
  packages: DebPackage[];
  /** Why the text cannot be trusted as a status database (empty: it can). */
  problems: string[];
}

export const DPKG_STATUS_LIMITS = {
  /** A full desktop's status is a few MB; a slim image's under 100 kB. */
  maxBytes: 16 * 1024 * 1024,
  maxParagraphs: 20_000,
  maxPackages: 10_000,
  /** The longest Package, Version, Architecture or Source value. */
  maxValueLength: 256,
  /** Problems listed before the rest are counted only. */
  maxProblems: 10,
} as const;

/** Debian policy 5.6.1: lowercase letters, digits, `+`, `-`, `.`; two characters at least; a letter or digit first. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
/**
 * Debian policy 5.6.12: `[epoch:]upstream[-revision]`, of letters, digits and `.+~:-`; the epoch a
 * number; a colon only after an epoch.
 */
const VERSION = /^(?:[0-9]+:[A-Za-z0-9][A-Za-z0-9.+~:-]*|[A-Za-z0-9][A-Za-z0-9.+~-]*)$/;
const ARCHITECTURE = /^[a-z0-9][a-z0-9-]*$/;
const SOURCE = /^(\S+)(?: \((\S+)\))?$/;
/** dpkg's Status: want, error flag, state. */
const STATUS =
  /^(unknown|install|hold|deinstall|purge) (ok|reinstreq) (not-installed|config-files|half-installed|unpacked|half-configured|triggers-awaited|triggers-pending|installed)$/;
/** A deb822 field: a name of printable ASCII but `:` (and not starting with `-` or `#`), then its value. */
const FIELD = /^([!"$-,.-9;-~][!-9;-~]*):(.*)$/;
/** Fields read here: each must be one line. */
const READ_FIELDS = new Set(["package", "version", "architecture", "status", "source"]);

type Paragraph = Map<string, string>;

export function parseDpkgStatus(text: string): DpkgStatus {
  const limits = DPKG_STATUS_LIMITS;
  if (text.length > limits.maxBytes)
    return { packages: [], problems: [`dpkg's status is over ${limits.maxBytes / 1024 / 1024} MiB`] };
  const problems: string[] = [];
  const paragraphs = splitParagraphs(text, problems);
  if (paragraphs.length > limits.maxParagraphs)
    return { packages: [], problems: [`dpkg's status has over ${limits.maxParagraphs} entries`] };
  const packages = paragraphs.flatMap((paragraph) => installedPackage(paragraph, problems));
  if (packages.length > limits.maxPackages)
    problems.push(`dpkg's status lists over ${limits.maxPackages} installed packages`);
  const seen = new Set<string>();
  for (const pkg of packages) {
    const key = `${pkg.name}:${pkg.architecture}`;
    if (seen.has(key)) problems.push(`dpkg's status lists ${key} twice`);
    seen.add(key);
  }
  if (problems.length > 0) return { packages: [], problems: capped(problems) };
  const order = (a: DebPackage, b: DebPackage) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.architecture < b.architecture ? -1 : 1;
  return { packages: packages.sort(order), problems: [] };
}

function capped(problems: string[]): string[] {
  const max = DPKG_STATUS_LIMITS.maxProblems;
  if (problems.length <= max) return problems;
  return [...problems.slice(0, max), "and more problems in dpkg's status"];
}

/** The text's lines, one at a time (an absurd text of millions of lines makes no array of them). */
export function* linesOf(text: string): Generator<string> {
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf("\n", start);
    const stop = end === -1 ? text.length : end;
    yield text.slice(start, stop);
    start = stop + 1;
  }
}

/** deb822: paragraphs separated by blank lines; a line starting with a space or tab continues a field. */
function splitParagraphs(text: string, problems: string[]): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: Paragraph | undefined;
  let last: string | undefined;
  let index = 0;
  for (const line of linesOf(text)) {
    index += 1;
    if (
      paragraphs.length > DPKG_STATUS_LIMITS.maxParagraphs ||
      problems.length > DPKG_STATUS_LIMITS.maxProblems
    )
      break;
    const where = `dpkg's status, line ${index}`;
    if (/^[ \t]*$/.test(line)) {
      current = undefined;
      last = undefined;
    } else if (line.startsWith(" ") || line.startsWith("\t")) {
      if (last === undefined) problems.push(`${where}: a continuation line with no field before it`);
      else if (READ_FIELDS.has(last)) problems.push(`${where}: ${last} spans more than one line`);
    } else {
      const field = FIELD.exec(line);
      if (field === null) {
        problems.push(`${where}: not a field: ${printable(line)}`);
        continue;
      }
      if (current === undefined) {
        current = new Map();
        paragraphs.push(current);
      }
      const name = field[1]!.toLowerCase();
      if (current.has(name)) problems.push(`${where}: ${field[1]} given twice in one entry`);
      current.set(name, field[2]!.trim());
      last = name;
    }
  }
  return paragraphs;
}

/** The paragraph's package when dpkg says it is installed (`ok installed`, whatever is wanted of it). */
function installedPackage(paragraph: Paragraph, problems: string[]): DebPackage[] {
  const name = paragraph.get("package");
  const status = paragraph.get("status");
  if (name === undefined || !valid(PACKAGE_NAME, name)) {
    problems.push(
      `dpkg's status has an entry with ${name === undefined ? "no" : "an invalid"} Package: ${printable(name ?? "")}`,
    );
    return [];
  }
  const state = status === undefined ? null : STATUS.exec(status);
  if (state === null) {
    problems.push(
      `dpkg's status: ${name} has ${status === undefined ? "no" : "an invalid"} Status: ${printable(status ?? "")}`,
    );
    return [];
  }
  if (state[2] !== "ok" || state[3] !== "installed") return [];
  const version = paragraph.get("version") ?? "";
  const architecture = paragraph.get("architecture") ?? "";
  const bad = [
    valid(VERSION, version) ? [] : [`Version ${printable(version)}`],
    valid(ARCHITECTURE, architecture) ? [] : [`Architecture ${printable(architecture)}`],
  ].flat();
  const source = sourceOf(paragraph.get("source"), name, version);
  if (source === "invalid") bad.push(`Source ${printable(paragraph.get("source") ?? "")}`);
  if (bad.length > 0 || source === "invalid") {
    problems.push(`dpkg's status: ${name} has an invalid ${bad.join(" and ")}`);
    return [];
  }
  return [{ name, version, architecture, ...(source === undefined ? {} : { source }) }];
}

/** `Source: name` or `Source: name (version)`; undefined when absent or the package's own. */
function sourceOf(
  value: string | undefined,
  name: string,
  version: string,
): DebPackage["source"] | "invalid" | undefined {
  if (value === undefined) return undefined;
  const match = SOURCE.exec(value);
  if (match === null || !valid(PACKAGE_NAME, match[1]!)) return "invalid";
  const sourceVersion = match[2];
  if (sourceVersion !== undefined && !valid(VERSION, sourceVersion)) return "invalid";
  if (match[1] === name && (sourceVersion === undefined || sourceVersion === version)) return undefined;
  return { name: match[1]!, ...(sourceVersion === undefined ? {} : { version: sourceVersion }) };
}

function valid(pattern: RegExp, value: string): boolean {
  return value.length <= DPKG_STATUS_LIMITS.maxValueLength && pattern.test(value);
}

/** A value quoted in a message: control characters escaped, cut short. */
function printable(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}
