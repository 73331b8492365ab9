// Reads the facts noTestsWarning judges: the source's test folders and any manage.py one folder down.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { TEST_FOLDER_NAMES, type TestFolderFacts } from "../domain/no-tests-warning.js";

const isFolder = (dir: string) => existsSync(dir) && statSync(dir).isDirectory();

export function readTestFolderFacts(sourceDir: string): TestFolderFacts {
  const folders = TEST_FOLDER_NAMES.filter((name) => isFolder(path.join(sourceDir, name)));
  const below = readdirSync(sourceDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort();
  // Test folders first: a suite's tests/manage.py, before an example project's manage.py.
  const ordered = [...folders, ...below.filter((name) => !(folders as string[]).includes(name))];
  const manageScripts = ordered
    .filter((name) => existsSync(path.join(sourceDir, name, "manage.py")))
    .map((name) => `${name}/manage.py`);
  return { folders, manageScripts };
}
