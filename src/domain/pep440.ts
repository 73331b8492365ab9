// PEP 440 versions in their normal form, the way packaging's `str(Version(text))` writes them.
// @renovatebot/pep440 parses, but its `clean()` joins a local label's parts with commas
// (`1.0+ubuntu-1` -> `1.0+ubuntu,1`) and reads numbers through `Number` (precision lost past 2^53),
// so the normal form is written here from the library's own grammar.
import { VERSION_PATTERN } from "@renovatebot/pep440/lib/version.js";

const VERSION = new RegExp(`^${VERSION_PATTERN}$`, "i");

const PRE_RELEASE: Record<string, string> = {
  a: "a",
  alpha: "a",
  b: "b",
  beta: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc",
};

/** Digits without leading zeros, kept as text: `007` -> `7`. */
function integer(digits: string): string {
  return digits.replace(/^0+(?=\d)/, "");
}

/**
 * `1.0-1` and `1.0.POST1` -> `1.0.post1`, `v1.0` -> `1.0`, `1!2.0+CPU` -> `1!2.0+cpu`; undefined when
 * the text is not a PEP 440 version. `1.0` and `1.0.0` stay different: equal as versions, not as text.
 */
export function normalizeVersion(text: string): string | undefined {
  const groups = VERSION.exec(text.trim())?.groups;
  if (groups === undefined || groups.release === undefined) return undefined;
  const epoch = groups.epoch === undefined ? "0" : integer(groups.epoch);
  let normal = epoch === "0" ? "" : `${epoch}!`;
  normal += groups.release.split(".").map(integer).join(".");
  if (groups.pre_l !== undefined) {
    normal += `${PRE_RELEASE[groups.pre_l.toLowerCase()]}${integer(groups.pre_n ?? "0")}`;
  }
  const post = groups.post_n1 ?? (groups.post_l === undefined ? undefined : (groups.post_n2 ?? "0"));
  if (post !== undefined) normal += `.post${integer(post)}`;
  if (groups.dev_l !== undefined) normal += `.dev${integer(groups.dev_n ?? "0")}`;
  if (groups.local !== undefined) {
    const parts = groups.local.split(/[-_.]/).map((part) => (/^\d+$/.test(part) ? integer(part) : part));
    normal += `+${parts.join(".").toLowerCase()}`;
  }
  return normal;
}
