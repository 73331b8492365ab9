// The project's requires-python against the Python of the targets init writes: a base image whose
// Debian ships a Python the project refuses fails every build at the builder's requires-python
// check, so init says so while the fix is one command away.
import { satisfies, validRange } from "@renovatebot/pep440";
import { iniValue, type ProjectFiles, parseTomlFile, setupPyLiteral } from "./project-metadata.js";

/**
 * The declared requires-python, read as text: `[project] requires-python`, setup.cfg's
 * `python_requires` or a literal `python_requires=` in setup.py; undefined when none is declared.
 * poetry's `python = "^3.12"` is not PEP 440 and is not read.
 */
export function readRequiresPython(files: ProjectFiles): string | undefined {
  if (files.pyproject !== undefined) {
    const project = parseTomlFile(files.pyproject, "pyproject.toml").project as
      | Record<string, unknown>
      | undefined;
    const value = project?.["requires-python"];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  const cfg =
    files.setupCfg === undefined ? undefined : iniValue(files.setupCfg, "options", "python_requires");
  if (cfg !== undefined && cfg !== "") return cfg;
  return files.setupPy === undefined ? undefined : setupPyLiteral(files.setupPy, "python_requires");
}

export interface TargetPython {
  target: string;
  /** The Python its base image ships, `3.11.2`. */
  python: string;
}

/** `3.11.2` -> `3.11`: how the README and Debian's package names speak of it. */
export const minorOf = (python: string): string => python.split(".").slice(0, 2).join(".");

/**
 * The warning init prints when some targets' Python is outside requires-python (undefined when all
 * fit, or the specifier cannot be read), with the command that declares only the targets that fit
 * (those given that fit, else the known ones that do).
 */
export function requiresPythonWarning(
  requiresPython: string | undefined,
  targets: readonly TargetPython[],
  known: readonly TargetPython[],
): string | undefined {
  // An unreadable specifier is the builder's to report (it reads it with packaging), not init's.
  if (requiresPython === undefined || !validRange(requiresPython)) return undefined;
  const fits = (entry: TargetPython): boolean => satisfies(entry.python, requiresPython);
  const refused = targets.filter((entry) => !fits(entry));
  if (refused.length === 0) return undefined;
  const kept = targets.filter(fits).map((entry) => entry.target);
  const instead = kept.length > 0 ? kept : known.filter(fits).map((entry) => entry.target);
  const names = refused.map((entry) => `${entry.target} (Python ${minorOf(entry.python)})`).join(", ");
  const fix =
    instead.length > 0
      ? `run \`wheelwright init --force ${instead.map((name) => `--target ${name}`).join(" ")}\` (with the same other flags), or widen requires-python`
      : "use a base image whose Python fits, or widen requires-python";
  return `the project requires Python ${requiresPython}, which the base image of ${names} cannot satisfy: builds there will stop at the requires-python check. To fix it, ${fix}.`;
}
