import { describe, expect, it } from "vitest";
import { buildCommandFor, chooseTestSet } from "../../src/domain/test-set.js";

const facts = (over: Partial<Parameters<typeof chooseTestSet>[0]> = {}) => ({
  configured: {},
  extras: [] as string[],
  groups: [] as string[],
  requirementFiles: [] as string[],
  ...over,
});

describe("test sets", () => {
  it("takes the configured one, and refuses two", () => {
    expect(chooseTestSet(facts({ configured: { group: "Tests" } }))).toMatchObject({
      set: { kind: "group", name: "tests" },
    });
    expect(chooseTestSet(facts({ configured: { group: "a", extra: "b" } }))).toMatchObject({
      problem: expect.stringMatching(/More than one/),
    });
  });

  it("finds the one obvious set: an extra, a group or a requirements file", () => {
    expect(chooseTestSet(facts({ extras: ["test", "docs"] }))).toMatchObject({
      set: { kind: "extra", name: "test" },
    });
    expect(chooseTestSet(facts({ groups: ["tests", "lint"] }))).toMatchObject({
      set: { kind: "group", name: "tests" },
    });
    expect(chooseTestSet(facts({ requirementFiles: ["requirements-test.txt"] }))).toMatchObject({
      set: { kind: "requirements", name: "requirements-test.txt" },
    });
  });

  it("says the set found is the only test-like one, not the project's only extra", () => {
    const choice = chooseTestSet(facts({ extras: ["doc", "test"] }));
    expect(choice).toMatchObject({ set: { kind: "extra", name: "test" } });
    const why = "set" in choice ? choice.set?.why : undefined;
    expect(why).toBe("found: the only test-like set");
    expect(why).not.toMatch(/project's only/);
  });

  it("prefers a test set to a dev one, and asks when two test sets compete", () => {
    expect(chooseTestSet(facts({ groups: ["tests", "dev"] }))).toMatchObject({
      set: { name: "tests", why: "found: preferred to the dev set group 'dev'" },
    });
    expect(chooseTestSet(facts({ groups: ["dev"] }))).toMatchObject({
      set: { kind: "group", name: "dev", why: "found: the only test-like set" },
    });
    expect(chooseTestSet(facts({ extras: ["test"], groups: ["tests"] }))).toMatchObject({
      problem: "The project has more than one test set: extra 'test', group 'tests'",
    });
  });

  it("assumes the test extra when setup.py hides the extras, and none when the project has no test set", () => {
    expect(chooseTestSet(facts({ extras: undefined }))).toMatchObject({
      set: { kind: "extra", name: "test", why: expect.stringMatching(/assumed/) },
    });
    expect(chooseTestSet(facts())).toEqual({ set: undefined });
  });

  it("names the build that makes each set", () => {
    expect(buildCommandFor({ kind: "group", name: "dev", why: "" })).toBe("wheelwright build -g dev");
    expect(buildCommandFor({ kind: "requirements", name: "r.txt", why: "" })).toBe(
      "wheelwright build -r r.txt",
    );
    expect(buildCommandFor({ kind: "extra", name: "test", why: "" })).toBe("wheelwright build test");
  });
});
