// The extras a setuptools project declares without a static [project] table: setup.cfg's
// `[options.extras_require]` keys, or the keys of setup.py's `extras_require=` (a dict literal, a
// `dict(...)` call, or a name bound to one of those, plus `NAME["key"] = ...` additions), read as
// text: nothing of the project runs on the host. Undefined when the text names extras_require in a
// way this cannot read (the helper reads the built wheel's Provides-Extra then).
import { normalizeName } from "./names.js";

/** Keys of setup.cfg's `[options.extras_require]` section; undefined when there is no such section. */
export function setupCfgExtras(text: string): string[] | undefined {
  let inSection = false;
  let found: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      inSection = header[1]!.trim() === "options.extras_require";
      if (inSection) found ??= [];
      continue;
    }
    // A key starts at the line's first column; continuation lines (the requirements) are indented.
    const key = inSection ? /^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*[=:]/.exec(line) : null;
    if (key) found!.push(normalizeName(key[1]!));
  }
  return found;
}

/** The extras setup.py declares: [] when it never mentions extras_require. */
export function setupPyExtras(text: string): string[] | undefined {
  const code = withoutComments(text);
  const at = /\bextras_require\s*=\s*/.exec(code);
  if (at === null) return [];
  const keys = keysOf(code, code.slice(at.index + at[0].length));
  return keys === undefined ? undefined : [...new Set(keys.map(normalizeName))];
}

function keysOf(code: string, expression: string): string[] | undefined {
  const literal = leadingLiteral(expression);
  if (literal !== undefined) return topLevelKeys(literal);
  const name = /^([A-Za-z_]\w*)\s*(?:[,)\n]|$)/.exec(expression)?.[1];
  if (name === undefined) return undefined;
  const binding = new RegExp(`^\\s*${name}\\s*(?::[^=\\n]*)?=\\s*`, "m").exec(code);
  if (binding === null) return undefined;
  const bound = leadingLiteral(code.slice(binding.index + binding[0].length));
  if (bound === undefined) return undefined;
  const added = [...code.matchAll(new RegExp(`\\b${name}\\[\\s*(['"])([^'"]+)\\1\\s*\\]\\s*=`, "g"))];
  const keys = topLevelKeys(bound);
  return keys === undefined ? undefined : [...keys, ...added.map((m) => m[2]!)];
}

/** `{...}` or `dict(...)` at the start of the text (brackets balanced, strings skipped). */
function leadingLiteral(text: string): string | undefined {
  const start = text.startsWith("{") ? 0 : text.startsWith("dict(") ? 4 : -1;
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === "#") i = lineEnd(text, i);
    else if (c === '"' || c === "'") {
      i = stringEnd(text, i);
      if (i < 0) return undefined;
    } else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c) && --depth === 0) return text.slice(0, i + 1);
  }
  return undefined;
}

/** Keys at depth one: `"name":` in a dict literal, `name=` in a dict() call. */
function topLevelKeys(literal: string): string[] | undefined {
  const call = literal.startsWith("dict(");
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < literal.length; i++) {
    const c = literal[i]!;
    if (c === "#") i = lineEnd(literal, i);
    else if (c === '"' || c === "'") {
      const end = stringEnd(literal, i);
      if (end < 0) return undefined;
      if (depth === 1 && !call && /^\s*:/.test(literal.slice(end + 1))) keys.push(literal.slice(i + 1, end));
      i = end;
    } else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (call && depth === 1) {
      const word = /^([A-Za-z_]\w*)\s*=(?!=)/.exec(literal.slice(i));
      if (word && /[(,\s]/.test(literal[i - 1] ?? "")) {
        keys.push(word[1]!);
        i += word[1]!.length - 1;
      }
    }
  }
  return keys;
}

/** The index of the quote that closes the string opening at `start` (-1: unterminated). */
function stringEnd(text: string, start: number): number {
  const quote = text[start]!;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

function lineEnd(text: string, start: number): number {
  const end = text.indexOf("\n", start);
  return end < 0 ? text.length : end;
}

/** Whole-line comments dropped (a commented-out `extras_require=` is not one). */
function withoutComments(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n");
}
