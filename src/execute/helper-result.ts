// Reads the helper's `@@wheelwright {json}` lines and turns its exit codes into typed errors.
import { InputError, IntegrityError, WheelBuildError, type WheelwrightError } from "../errors.js";

export type HelperMessage =
  | { kind: "phase"; phase: "app" | "deps" | "check"; count?: number }
  | { kind: "log"; step: string; line: string }
  | {
      kind: "app";
      name: string;
      version: string;
      filename: string;
      requires: string[];
      extras: string[];
      groups: string[];
    }
  | { kind: "error"; error: string; [key: string]: unknown }
  | { kind: "done"; wheels: number };

const PREFIX = "@@wheelwright ";

export function parseHelperLine(line: string): HelperMessage | undefined {
  if (!line.startsWith(PREFIX)) return undefined;
  try {
    return JSON.parse(line.slice(PREFIX.length)) as HelperMessage;
  } catch {
    return undefined;
  }
}

const METADATA_FAILURE =
  /Getting requirements to build wheel did not run successfully|Preparing metadata \(.*\) did not run successfully|metadata-generation-failed/;

export function helperError(
  exitCode: number,
  error: Extract<HelperMessage, { kind: "error" }> | undefined,
  output: string[],
): WheelwrightError {
  const tail = (error?.tail as string[] | undefined) ?? output.slice(-30);
  switch (error?.error) {
    case "app-build":
      if (typeof error.not_found === "string") {
        return new WheelBuildError(
          `No package index or find-links location offers '${error.not_found}', needed to build the application`,
          {
            details: tail.slice(-15),
            hint: "Check the index settings (`wheelwright info` shows them and where they came from) and that the index is reachable from the builder.",
          },
        );
      }

      if (error.phase === "metadata" || tail.some((line) => METADATA_FAILURE.test(line))) {
        return new InputError(
          "The project's metadata could not be read: its setup.py or build backend failed",
          {
            details: tail.slice(-20),
            hint: "Run `python3 setup.py --name` (or `pip wheel --no-deps .`) in the project to see the error, and fix it.",
          },
        );
      }
      return new WheelBuildError("Building the application's wheel failed", {
        details: tail.slice(-25),
        hint: "The log above shows the compiler or backend error; fix the project, then run `wheelwright build` again.",
      });
    case "app-name": {
      if (error.found === "unknown") {
        return new InputError("The project has no name: its build produced an UNKNOWN wheel", {
          hint: "Set `name` in [project] of pyproject.toml (or name= in setup.py).",
        });
      }
      return new InputError(
        `The application's wheel is named '${String(error.found)}', but the project's name is '${String(error.expected)}'`,
        {
          hint: "Make the project's metadata agree, or fix `source` to point at the right project.",
        },
      );
    }
    case "app-count":
      return new IntegrityError(
        `The application's build produced ${(error.found as string[]).length} wheels, not exactly one`,
        {
          details: error.found as string[],
        },
      );
    case "unknown-extra":
      return unknownExtraError(
        error.extras as string[],
        error.groups as string[],
        error.available as string[],
        error.available_groups as string[],
      );
    case "group-cycle":
      return new InputError(`The dependency group '${String(error.group)}' includes itself`);
    case "deps-build": {
      const failing =
        error.package === null || error.package === undefined ? "a dependency" : `'${String(error.package)}'`;
      if (error.not_found === true) {
        return new WheelBuildError(`No package index or find-links location offers ${failing}`, {
          details: tail.slice(-15),
          hint: "Check the index settings (`wheelwright info` shows them and where they came from) and that the index is reachable from the builder.",
        });
      }
      return new WheelBuildError(`Building the wheel of ${failing} failed`, {
        details: tail.slice(-25),
        hint: "The tail of its build log is above. A missing compiler or header belongs in the builder image's Dockerfile; an unreachable index in the index settings (`wheelwright info`).",
      });
    }
    case "unsatisfied": {
      const missing = error.missing as { set: string; requirement: string; found: string | null }[];
      return new IntegrityError("The wheelhouse would not satisfy every requirement", {
        details: missing.map(
          (m) => `${m.set}: ${m.requirement} (${m.found === null ? "no wheel" : `found ${m.found}`})`,
        ),
        hint: "pip resolved a set that does not meet the declared requirements: check constraints and the index's versions.",
      });
    }
    case "invalid-wheel":
    case "not-a-wheel":
      return new IntegrityError(`The builder produced an invalid wheel: ${String(error.file)}`, {
        details: [String(error.reason ?? "")],
      });
    default:
      return new WheelBuildError(`The builder failed (exit ${exitCode})`, { details: output.slice(-25) });
  }
}

export function unknownExtraError(
  extras: string[],
  groups: string[],
  available: string[],
  availableGroups: string[],
): InputError {
  const details: string[] = [];
  if (extras.length > 0)
    details.push(
      `unknown extra${extras.length > 1 ? "s" : ""}: ${extras.join(", ")} (available: ${available.join(", ") || "none"})`,
    );
  if (groups.length > 0)
    details.push(
      `unknown group${groups.length > 1 ? "s" : ""}: ${groups.join(", ")} (available: ${availableGroups.join(", ") || "none"})`,
    );
  return new InputError("The project does not declare what was asked for", {
    details,
    hint: "Extras come from [project.optional-dependencies] or extras_require; groups from [dependency-groups]. Names compare normalised: Test_Extra is test-extra.",
  });
}
