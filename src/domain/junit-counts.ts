// The counts of a JUnit XML report (pytest's `--junit-xml`): summed over its <testsuite> elements,
// so a report with one suite (pytest's) or several reads the same. The counts only: a summary
// line needs no XML parser, and a report that is not one gives undefined, never an error.
import type { TestCounts } from "../run-result.js";

const SUITE = /<testsuite\b([^>]*)>/g;

function attribute(attributes: string, name: string): number {
  const match = new RegExp(`\\b${name}\\s*=\\s*["'](\\d+)["']`).exec(attributes);
  return match === null ? 0 : Number(match[1]);
}

export function junitCounts(xml: string): TestCounts | undefined {
  let counts: TestCounts | undefined;
  for (const [, attributes = ""] of xml.matchAll(SUITE)) {
    counts ??= { tests: 0, failures: 0, errors: 0, skipped: 0 };
    counts.tests += attribute(attributes, "tests");
    counts.failures += attribute(attributes, "failures");
    counts.errors += attribute(attributes, "errors");
    counts.skipped += attribute(attributes, "skipped");
  }
  return counts;
}
