import { describe, expect, it } from "vitest";
import { helperError } from "../../src/execute/helper-result.js";

describe("the helper's resolve errors, as the user reads them", () => {
  it("a missing dependency of a dependency names whose it is, and what is offered", () => {
    const error = helperError(
      24,
      {
        kind: "error",
        error: "resolve",
        not_found: "fastapi-cli[standard]>=0.0.5",
        offered: [],
        needed_by: "fastapi[standard]>=0.112",
      },
      [],
    );
    expect(error.message).toBe(
      "No package index or find-links location offers 'fastapi-cli[standard]>=0.0.5', needed by fastapi[standard]>=0.112",
    );
    // pip's "from versions: none" leaves out versions with no wheel for this Python and no sdist.
    expect(error.details).not.toContain("offered: no version at all");
    expect(error.details).toContainEqual(
      expect.stringMatching(/^offered: none this builder can install \(the index has no such project/),
    );
  });

  it("a declared requirement is 'needed by the requirements'", () => {
    const error = helperError(
      24,
      { kind: "error", error: "resolve", not_found: "nothere", offered: ["1.0"] },
      [],
    );
    expect(error.message).toMatch(/offers 'nothere', needed by the requirements$/);
    expect(error.details).toContain("offered: 1.0");
  });

  it("a declared requirement the helper says a set names is 'needed by' that set, in words", () => {
    const runtime = helperError(
      24,
      { kind: "error", error: "resolve", not_found: "peppercorn", offered: [], needed_by_sets: ["runtime"] },
      [],
    );
    expect(runtime.message).toMatch(
      /offers 'peppercorn', needed by the application \(a runtime dependency\)$/,
    );
    const test = helperError(
      24,
      {
        kind: "error",
        error: "resolve",
        not_found: "httpbin~=0.10.0",
        offered: [],
        needed_by_sets: ["extra:test", "group:tests"],
      },
      [],
    );
    expect(test.message).toMatch(/needed by the extra test and the dependency group tests$/);
    expect(test.hint).toMatch(/^Make the package available on the index/);
  });

  it("with a lock, a pin no index offers names the lock file, what the index offers, and the ways out", () => {
    const event = {
      kind: "error" as const,
      error: "resolve",
      not_found: "iniconfig==2.1.0",
      offered: ["2.3.0"],
    };
    const error = helperError(24, event, [], { lock: "uv.lock" });
    expect(error.message).toBe("uv.lock pins iniconfig==2.1.0; the index offers 2.3.0");
    expect(error.hint).toContain("Make iniconfig 2.1.0 available on the index");
    expect(error.hint).toContain("regenerate uv.lock against this index");
    expect(error.hint).toContain('`lock = "none"` in the config');
    expect(error.hint).not.toMatch(/reachable from the builder/);

    const none = helperError(24, { ...event, offered: [] }, [], { lock: "requirements.txt" });
    expect(none.message).toBe(
      "requirements.txt pins iniconfig==2.1.0; the index offers no version of iniconfig",
    );
  });

  it("without a lock, the same event keeps the index hint", () => {
    const error = helperError(
      24,
      { kind: "error", error: "resolve", not_found: "iniconfig==2.1.0", offered: ["2.3.0"] },
      [],
    );
    expect(error.message).toMatch(/offers 'iniconfig==2.1.0', needed by the requirements$/);
    expect(error.hint).toMatch(/index settings/);
    expect(error.hint).not.toMatch(/lock/);
  });
});

describe("the helper's wheel errors, as the user reads them", () => {
  it("an invalid wheel is exit 7 with the reason and a hint saying what to do", () => {
    const error = helperError(
      25,
      {
        kind: "error",
        error: "invalid-wheel",
        file: "six-1.0-py3-none-any.whl",
        reason: "a second wheel of six",
      },
      [],
    );
    expect(error.message).toBe("The builder produced an invalid wheel: six-1.0-py3-none-any.whl");
    expect(error.exitCode).toBe(7);
    expect(error.details).toEqual(["a second wheel of six"]);
    expect(error.hint).toMatch(/--verbose/);
  });
});
