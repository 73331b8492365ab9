// Wheel file names by the binary distribution format spec:
// `{distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl`, parsed the way
// packaging.utils.parse_wheel_filename does, but stricter about what may appear at all: a name that
// passes is a plain file name that cannot leave the folder it is joined to (issue 8).
import { normalizeName } from "./names.js";
import { normalizeVersion } from "./pep440.js";

export interface WheelFilename {
  filename: string;
  /** PEP 503 normalised: `Flask_Login` -> `flask-login`. */
  name: string;
  /** The distribution part as written in the file name. */
  distribution: string;
  /** The version as written in the file name (compare through `normalizeVersion`). */
  version: string;
  /** The optional build tag, as written (it starts with a digit). */
  build?: string;
  /** Compressed tag sets expanded, lowercased as packaging's `Tag` does. */
  pythonTags: string[];
  abiTags: string[];
  platformTags: string[];
}

// Most file systems allow 255 bytes in one name; a longer one cannot be a file we write.
const MAX_NAME_BYTES = 255;
// The spec's alphabet: escaped names are [A-Za-z0-9_.], versions add `!` and `+`, tags are
// [A-Za-z0-9_] joined by `.`, parts are joined by `-`. Anything else (a separator, NUL, a control
// character, whitespace, non-ASCII) is refused before any part is looked at.
const ALPHABET = /^[A-Za-z0-9._+!-]+$/;
// PEP 508 names start and end with a letter or digit. packaging also refuses `__` (escaping collapses
// runs of `-_.` to one `_`) and accepts Unicode letters, which no PEP 508 name can hold: refused here.
const DISTRIBUTION = /^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?$/;
const BUILD_TAG = /^\d[A-Za-z0-9_.]*$/;
const TAG_COMPONENT = /^[A-Za-z0-9_]+$/;

/** The parts of a wheel file name, or undefined for anything that is not a plain, valid one. */
export function parseWheelFilename(filename: string): WheelFilename | undefined {
  if (!isSafeFileName(filename) || !filename.endsWith(".whl")) return undefined;
  const parts = filename.slice(0, -".whl".length).split("-");
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [distribution, version] = parts as [string, string];
  const build = parts.length === 6 ? parts[2] : undefined;
  const [python, abi, platform] = parts.slice(-3) as [string, string, string];
  if (!DISTRIBUTION.test(distribution) || distribution.includes("__")) return undefined;
  if (normalizeVersion(version) === undefined) return undefined;
  if (build !== undefined && !BUILD_TAG.test(build)) return undefined;
  const pythonTags = tagSet(python);
  const abiTags = tagSet(abi);
  const platformTags = tagSet(platform);
  if (pythonTags === undefined || abiTags === undefined || platformTags === undefined) return undefined;
  return {
    filename,
    name: normalizeName(distribution),
    distribution,
    version,
    ...(build === undefined ? {} : { build }),
    pythonTags,
    abiTags,
    platformTags,
  };
}

/** True when `name` is a valid wheel file name and nothing more: no path, no `..`, no hidden file. */
export function isPlainWheelFilename(name: string): boolean {
  return parseWheelFilename(name) !== undefined;
}

function isSafeFileName(name: string): boolean {
  return (
    ALPHABET.test(name) && !name.includes("..") && !name.startsWith(".") && name.length <= MAX_NAME_BYTES // ASCII only (the alphabet), so characters are bytes
  );
}

/** `manylinux_2_17_x86_64.manylinux2014_x86_64` -> both; undefined when a component is empty or odd. */
function tagSet(text: string): string[] | undefined {
  const components = text.split(".");
  return components.every((component) => TAG_COMPONENT.test(component))
    ? components.map((component) => component.toLowerCase())
    : undefined;
}
