// GitLab CI collapsible sections: `section_start:<unix time>:<name>[collapsed=true]` and
// `section_end:<unix time>:<name>`, each after an erase-line (ESC[0K) and followed by a carriage
// return and another erase, so the marker itself never shows in the job log. GitLab matches an end
// to its start by name, and accepts only letters, digits, '_', '.' and '-' in it.

const ERASE = "\x1b[0K";

/** A name GitLab accepts: other characters become '_' (a step id like `push:ns/app:1.0`). */
export function sectionName(id: string): string {
  const name = id.replace(/[^A-Za-z0-9_.-]/g, "_");
  return name === "" ? "step" : name;
}

export function sectionStart(id: string, title: string, unixSeconds: number): string {
  return `${ERASE}section_start:${unixSeconds}:${sectionName(id)}[collapsed=true]\r${ERASE}${title.replace(/[\r\n]+/g, " ")}\n`;
}

export function sectionEnd(id: string, unixSeconds: number): string {
  return `${ERASE}section_end:${unixSeconds}:${sectionName(id)}\r${ERASE}\n`;
}
