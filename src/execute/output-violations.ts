// The errors of an output archive that breaks a rule or cannot be read: both say the previous
// wheelhouse is intact, because nothing was written outside the staging folder.
import { printableEntryName } from "../domain/builder-output-entry.js";
import { UntrustedOutputError } from "../errors.js";

const VIOLATION_HINT =
  "A build step in the builder produced it (the builder runs every dependency's build code). " +
  "Nothing was written outside the staging folder and the previous wheelhouse is intact.";

export function violation(entry: string, rule: string): UntrustedOutputError {
  return new UntrustedOutputError(`${printableEntryName(entry)}: ${rule}`, { hint: VIOLATION_HINT });
}

export function unreadable(reason: string, entry?: string): UntrustedOutputError {
  const where = entry === undefined ? "" : `${printableEntryName(entry)}: `;
  return new UntrustedOutputError(`The builder's output is not a readable archive: ${where}${reason}`, {
    hint:
      "The copy out of the builder was cut short (did the engine stop?) or a build step produced it. " +
      "Nothing was written outside the staging folder and the previous wheelhouse is intact.",
  });
}
