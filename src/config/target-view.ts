// One view of the project per target (issue 14): the workflows keep taking one project, and a
// target's view names that target's wheelhouse and images folders. Pure.
import path from "node:path";
import { closest } from "../domain/names.js";
import { InputError } from "../errors.js";
import type { LoadedProject, LoadedTarget } from "./load.js";

/** The project as one target sees it: its own wheelhouse (`<wheelhouse>/<name>/`) and images folder. */
export function targetView(project: LoadedProject, target: LoadedTarget): LoadedProject {
  return { ...project, imagesDir: target.imagesDir, wheelhouseDir: target.wheelhouseDir, target };
}

/** What every image tag of the view ends with: `-<name>` for a target, nothing without one. */
export function tagSuffix(project: LoadedProject): string {
  return project.target === undefined ? "" : `-${project.target.name}`;
}

/**
 * The folder all of wheelwright's wheels go to: the configured wheelhouse, which holds every
 * target's. Never part of the source, nor what makes a tree dirty, whichever target builds.
 */
export function outputDir(project: LoadedProject): string {
  return project.target === undefined ? project.wheelhouseDir : path.dirname(project.wheelhouseDir);
}

/** Every images folder of the project (the configured one and each target's): none is source. */
export function imagesDirs(project: LoadedProject): string[] {
  return [
    ...new Set([
      project.imagesDir,
      path.resolve(project.root, project.config.images.value),
      ...project.targets.map((target) => target.imagesDir),
    ]),
  ];
}

/** The build args a target adds to every image build (none without a target). */
export function targetBuildArgs(project: LoadedProject): Readonly<Record<string, string>> {
  return project.target?.buildArgs ?? {};
}

/**
 * The views a command runs for: one per target named with `--target` (in the order given), or per
 * configured target when none is named; the project itself when it declares no targets.
 */
export function selectTargets(project: LoadedProject, names: readonly string[]): LoadedProject[] {
  const configured = project.targets.map((target) => target.name);
  if (configured.length === 0) {
    if (names.length === 0) return [project];
    throw new InputError(`--target ${names[0]}: this project declares no targets`, {
      hint: 'Declare them as [[tool.wheelwright.target]] tables (name = "bookworm", ...), or leave out --target.',
    });
  }
  const unknown = names.filter((name) => !configured.includes(name));
  if (unknown.length > 0) {
    throw new InputError(`Unknown target${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, {
      details: unknown.map((name) => {
        const suggestion = closest(name, configured);
        return `${name}: not a target of this project${suggestion === undefined ? "" : ` (did you mean '${suggestion}'?)`}`;
      }),
      hint: `The project's targets: ${configured.join(", ")}.`,
    });
  }
  const chosen = names.length === 0 ? configured : [...new Set(names)];
  return chosen.map((name) => targetView(project, project.targets.find((target) => target.name === name)!));
}
