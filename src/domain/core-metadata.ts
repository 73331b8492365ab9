// Core metadata (METADATA) and the WHEEL file: RFC 822 style header fields, the way Python's email
// parser reads them (packaging.metadata uses it): `Key: value` lines up to the first empty line, a
// line that starts with whitespace continues the field before it, a field may repeat.

/** Header fields by lowercased name, each with every value it was given, in order. */
export type HeaderFields = ReadonlyMap<string, readonly string[]>;

export function parseHeaderFields(text: string): HeaderFields {
  const fields = new Map<string, string[]>();
  let last: { values: string[]; index: number } | undefined;
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line === "") break; // the body (a description) follows
    if (/^[ \t]/.test(line)) {
      // A folded line continues the last value; its line break is kept (License texts span lines).
      if (last !== undefined) last.values[last.index] = `${last.values[last.index]}\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    // Like Python's parser: a line that is not a header ends the headers.
    if (colon <= 0) break;
    const key = line.slice(0, colon).trim().toLowerCase();
    const values = fields.get(key) ?? [];
    values.push(line.slice(colon + 1).trim());
    fields.set(key, values);
    last = { values, index: values.length - 1 };
  }
  return fields;
}

export interface CoreMetadata {
  name?: string;
  version?: string;
  summary?: string;
  license?: string;
  licenseExpression?: string;
  requiresPython?: string;
  requiresDist: string[];
  providesExtra: string[];
  classifiers: string[];
}

export function readCoreMetadata(text: string): CoreMetadata {
  const fields = parseHeaderFields(text);
  const first = (key: string) => fields.get(key)?.[0];
  const all = (key: string) => [...(fields.get(key) ?? [])];
  const optional = (key: keyof CoreMetadata, field: string) => {
    const value = first(field);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    ...optional("name", "name"),
    ...optional("version", "version"),
    ...optional("summary", "summary"),
    ...optional("license", "license"),
    ...optional("licenseExpression", "license-expression"),
    ...optional("requiresPython", "requires-python"),
    requiresDist: all("requires-dist"),
    providesExtra: all("provides-extra"),
    classifiers: all("classifier"),
  };
}
