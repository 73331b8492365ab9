// The project's test set, from its config and what it declares (see domain/test-set.ts).
import { existsSync } from "node:fs";
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { chooseTestSet, TEST_REQUIREMENT_FILES, type TestSet } from "../domain/test-set.js";
import { InputError } from "../errors.js";

export function resolveTestSet(project: LoadedProject): TestSet | undefined {
  const { config, metadata } = project;
  const choice = chooseTestSet({
    configured: {
      extra: config.testExtra.value,
      group: config.testGroup.value,
      requirements: config.testRequirements.value,
    },
    extras: metadata.extras,
    groups: metadata.groups,
    requirementFiles: TEST_REQUIREMENT_FILES.filter((file) => existsSync(path.join(project.sourceDir, file))),
  });
  if ("problem" in choice) throw new InputError(choice.problem, { hint: choice.hint });
  return choice.set;
}
