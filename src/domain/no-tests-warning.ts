// What `test` says when the default runner found no tests but the source plainly has some: a tests
// folder, or a Django suite's manage.py one folder down. The run still succeeds (a project may have
// none); the warning names the folder and the `test-command` that would run them.

export interface TestFolderFacts {
  /** Top-level folders of the source named like a test folder (`tests`, `test`, `testing`). */
  folders: readonly string[];
  /** `manage.py` files one folder down, relative to the source (`tests/manage.py`). */
  manageScripts: readonly string[];
}

/** The source's folders that usually hold tests (`testing`: pytest's own layout, iniconfig's). */
export const TEST_FOLDER_NAMES = ["tests", "test", "testing"] as const;

/** `hasTestSet`: whether the project declares a test set pytest could go in (none: the warning says how). */
export function noTestsWarning(facts: TestFolderFacts, hasTestSet = true): string | undefined {
  const django = facts.manageScripts[0];
  if (django !== undefined)
    return `no tests were found, but the source has ${django} (a Django test suite): set \`test-command\` to run it, e.g. \`test-command = "python {source}/${django} test"\``;
  const folder = facts.folders[0];
  if (folder !== undefined)
    return `no tests were found, but the source has a ${folder}/ folder: set \`test-command\` to what runs its tests, e.g. \`test-command = "pytest ${folder}"\` ${withPytest(hasTestSet)}`;
  return undefined;
}

const withPytest = (hasTestSet: boolean): string =>
  hasTestSet
    ? "(with pytest in the test set)"
    : '(with pytest in a test set: the project declares none; e.g. `[dependency-groups]` `test = ["pytest"]` in pyproject.toml)';
