// What the builder's output archive may hold, decided from an entry's header alone (pure). The
// builder runs third-party build code, so every entry is hostile until it matches one of a few
// exact shapes: the folders `out/`, `out/app/`, `out/deps/`; the regular files `out/report.json`
// and `out/app/<wheel>`, `out/deps/<wheel>` with a plain wheel file name (issue 8, item 1).
import { isPlainWheelFilename } from "./wheel-filename.js";

export type OutputFolder = "app" | "deps";

export const OUTPUT_FOLDERS: readonly OutputFolder[] = ["app", "deps"];
export const REPORT_ENTRY = "out/report.json";

/** The header fields the rules read (tar's names: `File`, `SymbolicLink`, `Directory`, ...). */
export interface OutputEntryHeader {
  path: string;
  type: string;
  linkpath?: string | undefined;
}

export type OutputEntryVerdict =
  | { kind: "folder"; key: string }
  | { kind: "report"; key: string }
  | { kind: "wheel"; key: string; folder: OutputFolder; filename: string }
  | { kind: "refused"; rule: string };

const REGULAR_FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile"]);
const FOLDERS = new Set(["out", "out/app", "out/deps"]);
const TYPE_RULES: Record<string, string> = {
  SymbolicLink: "a symbolic link",
  Link: "a hard link",
  CharacterDevice: "a character device",
  BlockDevice: "a block device",
  FIFO: "a FIFO",
  SparseFile: "a sparse file",
};

export function classifyOutputEntry(entry: OutputEntryHeader): OutputEntryVerdict {
  const name = entry.path;
  // Name rules come first: they say the most about what was attempted.
  if ([...name].some(isControlCharacter)) return refused("a name with a control character");
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return refused("an absolute path");
  if (name.includes("\\")) return refused("a name with a backslash");
  const segments = name.split("/");
  if (segments.includes("..")) return refused("a path that leaves the output folder");
  const typeRule = TYPE_RULES[entry.type];
  if (typeRule !== undefined) return refused(`${typeRule}, which the output may not hold`);
  if (entry.type === "Directory") {
    const key = name.endsWith("/") ? name.slice(0, -1) : name;
    return FOLDERS.has(key)
      ? { kind: "folder", key }
      : refused("a folder other than out/, out/app/ and out/deps/");
  }
  if (!REGULAR_FILE_TYPES.has(entry.type)) return refused(`an entry of type ${entry.type}`);
  if (entry.linkpath !== undefined && entry.linkpath !== "")
    return refused("a regular file with a link target");
  if (name === REPORT_ENTRY) return { kind: "report", key: name };
  const [top, folder, filename, ...rest] = segments;
  if (
    top !== "out" ||
    folder === undefined ||
    !isOutputFolder(folder) ||
    filename === undefined ||
    rest.length > 0
  ) {
    return refused("a file other than out/report.json, out/app/<wheel> and out/deps/<wheel>");
  }
  if (!isPlainWheelFilename(filename)) return refused("not a plain wheel file name");
  return { kind: "wheel", key: name, folder, filename };
}

function isOutputFolder(name: string): name is OutputFolder {
  return (OUTPUT_FOLDERS as readonly string[]).includes(name);
}

function refused(rule: string): OutputEntryVerdict {
  return { kind: "refused", rule };
}

/** An entry's name as it can be printed: control characters escaped, at most 200 characters. */
export function printableEntryName(name: string): string {
  const escaped = [...name]
    .map((c) => (isControlCharacter(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : c))
    .join("");
  return escaped.length > 200 ? `${escaped.slice(0, 200)}... (${escaped.length} characters)` : escaped;
}

/** NUL, newline, the other C0 controls, DEL and the C1 controls: never accepted, never printed raw. */
function isControlCharacter(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 0x20 || (code >= 0x7f && code < 0xa0);
}
