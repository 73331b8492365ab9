// Which set of packages the tests need: an extra, a dependency group (PEP 735 or poetry's), or a
// requirements file. Configured, or found when the project has exactly one obvious one.
import { normalizeName } from "./names.js";

export type TestSetKind = "extra" | "group" | "requirements";

export interface TestSet {
  kind: TestSetKind;
  /** The extra or group (normalised), or the requirements file's path relative to the source. */
  name: string;
  /** How it was chosen, for the notice `test` prints. */
  why: string;
}

export interface TestSetFacts {
  configured: { extra?: string | undefined; group?: string | undefined; requirements?: string | undefined };
  /** Declared extras (undefined: they cannot be read without running setup.py). */
  extras: readonly string[] | undefined;
  /** Declared groups: PEP 735 and poetry's. */
  groups: readonly string[];
  /** Requirements files present in the source, relative paths. */
  requirementFiles: readonly string[];
}

export type TestSetChoice = { set: TestSet | undefined } | { problem: string; hint: string };

const OBVIOUS = ["test", "tests", "testing", "dev"];
export const TEST_REQUIREMENT_FILES = [
  "requirements-test.txt",
  "requirements_test.txt",
  "test-requirements.txt",
  "test_requirements.txt",
  "requirements-tests.txt",
  "requirements/test.txt",
  "requirements/tests.txt",
  "tests/requirements.txt",
  "requirements-dev.txt",
  "dev-requirements.txt",
  "requirements/dev.txt",
];

/** The manifest's name for a set: `extra:test`, `group:dev`, `requirements:requirements-test.txt`. */
export function setLabel(set: TestSet): string {
  return `${set.kind}:${set.name}`;
}

/** The `build` that makes a wheelhouse holding this set. */
export function buildCommandFor(set: TestSet | undefined): string {
  if (set === undefined) return "wheelwright build";
  if (set.kind === "extra") return `wheelwright build ${set.name}`;
  return set.kind === "group" ? `wheelwright build -g ${set.name}` : `wheelwright build -r ${set.name}`;
}

export function chooseTestSet(facts: TestSetFacts): TestSetChoice {
  const { extra, group, requirements } = facts.configured;
  const configured = [
    ...(extra === undefined
      ? []
      : [{ kind: "extra" as const, name: normalizeName(extra), why: "test-extra" }]),
    ...(group === undefined
      ? []
      : [{ kind: "group" as const, name: normalizeName(group), why: "test-group" }]),
    ...(requirements === undefined
      ? []
      : [{ kind: "requirements" as const, name: requirements, why: "test-requirements" }]),
  ];
  if (configured.length > 1)
    return {
      problem: "More than one test set is configured",
      hint: "Set only one of test-extra, test-group and test-requirements.",
    };
  if (configured.length === 1)
    return { set: { ...configured[0]!, why: `configured (${configured[0]!.why})` } };
  const found = [
    ...(facts.extras ?? [])
      .filter((name) => OBVIOUS.includes(name))
      .map((name) => ({ kind: "extra" as const, name })),
    ...facts.groups
      .filter((name) => OBVIOUS.includes(name))
      .map((name) => ({ kind: "group" as const, name })),
    ...TEST_REQUIREMENT_FILES.filter((file) => facts.requirementFiles.includes(file)).map((name) => ({
      kind: "requirements" as const,
      name,
    })),
  ];
  // Test sets come before dev sets: a project with both a `tests` group and a `dev` group tests with the first.
  const isDev = (set: { name: string }) => /(^|[-/_])dev([-_.]|$)/.test(set.name);
  const testing = found.filter((set) => !isDev(set));
  const candidates = testing.length > 0 ? testing : found;
  if (candidates.length === 1) {
    // Said after the set's label, in one pair of brackets: "with extra:test (found: the only test-like set)".
    // "test-like" qualifies it: a project with extras `doc` and `test` has two extras, one test-like.
    const passedOver = testing.length > 0 ? found.filter(isDev) : [];
    const why =
      passedOver.length === 0
        ? "found: the only test-like set"
        : `found: preferred to the dev set ${passedOver.map(describe).join(", ")}`;
    return { set: { ...candidates[0]!, why } };
  }
  if (candidates.length > 1) {
    return {
      problem: `The project has more than one test set: ${candidates.map(describe).join(", ")}`,
      hint: 'Choose one in the config: `test-extra`, `test-group` or `test-requirements` (e.g. `test-group = "tests"`).',
    };
  }
  // setup.py's extras cannot be read without running it: `test` is the convention, checked at build.
  if (facts.extras === undefined)
    return { set: { kind: "extra", name: "test", why: "assumed (setup.py's extras are read at build)" } };
  return { set: undefined };
}

function describe(set: { kind: TestSetKind; name: string }): string {
  return set.kind === "requirements" ? `requirements file ${set.name}` : `${set.kind} '${set.name}'`;
}
