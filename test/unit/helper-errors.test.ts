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
    expect(error.details).toContain("offered: no version at all");
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
});
