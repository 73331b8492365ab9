// Reads what the release check found inside a built release image and lists what must not be there:
// a compiler, a -dev package, a package only the test extra (or a group) needed, a wheel file; and a
// root user. A check that could not run is said to be so, never blamed on the Dockerfile.
import type { ManifestWheel } from "../domain/manifest.js";
import { normalizeName } from "../domain/names.js";
import type { ExecResult, ImageInfo } from "../engine/engine.js";

export interface ReleaseFindings {
  /** What the image must not hold or do: the Dockerfile's to fix. */
  problems: string[];
  user: string;
}

export function isRootUser(user: string): boolean {
  return user === "" || user === "0" || user === "root" || user.startsWith("0:") || user.startsWith("root:");
}

export function judgeReleaseImage(
  info: ImageInfo,
  check: ExecResult,
  excluded: readonly ManifestWheel[],
  runtimeNames: ReadonlySet<string>,
): ReleaseFindings {
  const problems: string[] = [];
  const user = info.user;
  if (isRootUser(user)) {
    problems.push(
      `it runs as root (USER ${user === "" ? "not set" : user}); add a non-root USER to the release Dockerfile`,
    );
  }
  const testOnly = new Set(excluded.map((wheel) => wheel.name).filter((name) => !runtimeNames.has(name)));
  for (const line of check.output.split("\n")) {
    const [kind, value = ""] = line.trim().split(/:(.*)/s);
    if (kind === "compiler") problems.push(`it holds a compiler: ${value}`);
    else if (kind === "dev-package") problems.push(`it holds a -dev package: ${value}`);
    else if (kind === "wheel-file") problems.push(`it holds a wheel file: ${value}`);
    else if (kind === "installed") {
      const name = normalizeName(value.split("==")[0] ?? "");
      if (testOnly.has(name))
        problems.push(
          `it holds ${name}, which only ${excluded.find((w) => w.name === name)?.sets.join(", ")} needs`,
        );
    }
  }
  return { problems, user };
}
