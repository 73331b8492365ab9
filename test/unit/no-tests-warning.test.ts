import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { noTestsWarning } from "../../src/domain/no-tests-warning.js";
import { readTestFolderFacts } from "../../src/project/test-folders.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function source(files: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), "wheelwright-no-tests-"));
  made.push(dir);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), "");
  }
  return dir;
}

describe("no tests found, but the source has some", () => {
  it("names a tests/, test/ or testing/ folder and says to set test-command, with an example", () => {
    const tests = noTestsWarning(readTestFolderFacts(source(["pyproject.toml", "tests/check_app.py"])));
    expect(tests).toContain("the source has a tests/ folder");
    expect(tests).toContain('`test-command = "pytest tests"`');
    const test = noTestsWarning(readTestFolderFacts(source(["pyproject.toml", "test/x.py"])));
    expect(test).toContain("the source has a test/ folder");
    const testing = noTestsWarning(readTestFolderFacts(source(["pyproject.toml", "testing/test_x.py"])));
    expect(testing).toContain(
      'the source has a testing/ folder: set `test-command` to what runs its tests, e.g. `test-command = "pytest testing"`',
    );
  });

  it("with no test set declared, says where pytest goes: a group in pyproject.toml", () => {
    const facts = readTestFolderFacts(source(["pyproject.toml", "testing/test_x.py"]));
    expect(noTestsWarning(facts, true)).toContain("(with pytest in the test set)");
    expect(noTestsWarning(facts, false)).toContain(
      '(with pytest in a test set: the project declares none; e.g. `[dependency-groups]` `test = ["pytest"]` in pyproject.toml)',
    );
  });

  it("names a Django suite's manage.py one folder down and the command that runs it", () => {
    const warning = noTestsWarning(
      readTestFolderFacts(source(["setup.py", "tests/manage.py", "tests/settings.py", "app/__init__.py"])),
    );
    expect(warning).toContain("tests/manage.py (a Django test suite)");
    expect(warning).toContain('`test-command = "python {source}/tests/manage.py test"`');
  });

  it("says nothing when the source has no sign of tests", () => {
    expect(readTestFolderFacts(source(["pyproject.toml", "app/__init__.py"]))).toEqual({
      folders: [],
      manageScripts: [],
    });
    expect(noTestsWarning({ folders: [], manageScripts: [] })).toBeUndefined();
  });
});
