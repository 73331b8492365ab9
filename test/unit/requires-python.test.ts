import { describe, expect, it } from "vitest";
import { readRequiresPython, requiresPythonWarning } from "../../src/domain/requires-python.js";

const BOOKWORM = { target: "bookworm", python: "3.11.2" };
const TRIXIE = { target: "trixie", python: "3.13.5" };
const KNOWN = [BOOKWORM, TRIXIE];

describe("requires-python against init's targets", () => {
  it("reads it from [project], setup.cfg or a literal in setup.py", () => {
    const none = { pyproject: undefined, setupCfg: undefined, setupPy: undefined };
    expect(
      readRequiresPython({ ...none, pyproject: '[project]\nname = "a"\nrequires-python = ">=3.12"\n' }),
    ).toBe(">=3.12");
    expect(readRequiresPython({ ...none, setupCfg: "[options]\npython_requires = >=3.10\n" })).toBe(">=3.10");
    expect(readRequiresPython({ ...none, setupPy: 'setup(name="a", python_requires=">=3.9")\n' })).toBe(
      ">=3.9",
    );
    expect(readRequiresPython({ ...none, pyproject: '[project]\nname = "a"\n' })).toBeUndefined();
  });

  it("names the target whose Python is refused and the init command that declares the one that fits", () => {
    const warning = requiresPythonWarning(">=3.12", [BOOKWORM], KNOWN);
    expect(warning).toContain("requires Python >=3.12");
    expect(warning).toContain("bookworm (Python 3.11)");
    expect(warning).toContain("`wheelwright init --force --target trixie`");
  });

  it("keeps the given targets that fit in the fix", () => {
    expect(requiresPythonWarning(">=3.12", [BOOKWORM, TRIXIE], KNOWN)).toContain(
      "`wheelwright init --force --target trixie`",
    );
    expect(requiresPythonWarning("<3.12", [TRIXIE], KNOWN)).toContain("--target bookworm`");
  });

  it("says nothing when every target fits, none is declared, or the specifier is unreadable", () => {
    expect(requiresPythonWarning(">=3.10", KNOWN, KNOWN)).toBeUndefined();
    expect(requiresPythonWarning(undefined, KNOWN, KNOWN)).toBeUndefined();
    expect(requiresPythonWarning("not a specifier", KNOWN, KNOWN)).toBeUndefined();
  });

  it("without a known target that fits, says to change the base image or widen requires-python", () => {
    const warning = requiresPythonWarning(">=3.14", [BOOKWORM], KNOWN);
    expect(warning).toContain("use a base image whose Python fits, or widen requires-python");
    expect(warning).not.toContain("init --force");
  });
});
