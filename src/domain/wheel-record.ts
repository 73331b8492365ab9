// A wheel's RECORD: one CSV row per file, `path,algorithm=urlsafe-base64-digest,size`, written by
// Python's csv module. Read the way that module reads it (default dialect: `,` separates, a field
// that starts with `"` is quoted and `""` inside is one `"`, quoted fields may span lines), which is
// what installers read; a general CSV library is stricter or looser in exactly the cases that matter.

export interface RecordHash {
  algorithm: string;
  /** As written: urlsafe base64, normally without padding. */
  digest: string;
}

export interface RecordRow {
  path: string;
  hash?: RecordHash;
  size?: number;
  /** 1-based, for messages. */
  line: number;
}

export type RecordParse = { rows: RecordRow[] } | { problem: string };

export function parseRecord(text: string): RecordParse {
  const rows: RecordRow[] = [];
  for (const { fields, line } of csvRows(text)) {
    if (fields.length === 0) continue; // a blank line
    if (fields.length !== 3) return { problem: `line ${line} has ${fields.length} fields, not 3` };
    const [path, hashText, sizeText] = fields as [string, string, string];
    if (path === "") return { problem: `line ${line} names no file` };
    const row: RecordRow = { path, line };
    if (hashText !== "") {
      const equals = hashText.indexOf("=");
      if (equals <= 0 || equals === hashText.length - 1) {
        return { problem: `line ${line} (${path}) has a hash that is not algorithm=digest` };
      }
      row.hash = { algorithm: hashText.slice(0, equals), digest: hashText.slice(equals + 1) };
    }
    if (sizeText !== "") {
      if (!/^\d+$/.test(sizeText))
        return { problem: `line ${line} (${path}) has a size that is not a number` };
      row.size = Number(sizeText);
    }
    rows.push(row);
  }
  return { rows };
}

/** Python csv.reader's default dialect, record by record, with the line each record starts on. */
function* csvRows(text: string): Generator<{ fields: string[]; line: number }> {
  if (!text.includes('"')) {
    // Without quotes a record is a line and a field is what lies between commas (most RECORDs).
    const lines = text.split(/\r\n|\n|\r/);
    if (lines.at(-1) === "") lines.pop();
    for (const [index, line] of lines.entries())
      yield { fields: line === "" ? [] : line.split(","), line: index + 1 };
    return;
  }
  let line = 1;
  let index = 0;
  while (index < text.length) {
    const startLine = line;
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    let fieldStarted = false;
    for (; index < text.length; index++) {
      const c = text[index];
      if (quoted) {
        if (c === '"' && text[index + 1] === '"') {
          field += '"';
          index++;
        } else if (c === '"') quoted = false;
        else {
          if (c === "\n") line++;
          field += c;
        }
      } else if (c === '"' && !fieldStarted) {
        quoted = true;
        fieldStarted = true;
      } else if (c === ",") {
        fields.push(field);
        field = "";
        fieldStarted = false;
      } else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[index + 1] === "\n") index++;
        index++;
        line++;
        break;
      } else {
        field += c;
        fieldStarted = true;
      }
    }
    if (fieldStarted || fields.length > 0) fields.push(field);
    yield { fields, line: startLine };
  }
}
