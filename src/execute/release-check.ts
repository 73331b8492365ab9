// Looks inside a built release image and lists what must not be there: a compiler, a -dev package,
// a package only the test extra (or a group) needed, a wheel file; and a root user.

import type { ManifestWheel } from "../domain/manifest.js";
import { normalizeName } from "../domain/names.js";
import type { ContainerEngine, ImageInfo } from "../engine/engine.js";

const INSPECT_SCRIPT = [
  "for c in gcc cc make; do command -v $c >/dev/null 2>&1 && echo compiler:$c; done",
  "dpkg-query -W -f '${Package}\\n' 2>/dev/null | grep -- '-dev$' | sed 's/^/dev-package:/'",
  "find / -xdev \\( -path /proc -o -path /sys \\) -prune -o -name '*.whl' -print 2>/dev/null | sed 's/^/wheel-file:/'",
  "python -m pip list --format=freeze 2>/dev/null | sed 's/^/installed:/'",
  "true",
].join("; ");

export interface ReleaseFindings {
  problems: string[];
  user: string;
}

export async function inspectReleaseImage(
  engine: ContainerEngine,
  image: string,
  info: ImageInfo,
  excluded: readonly ManifestWheel[],
  runtimeNames: ReadonlySet<string>,
): Promise<ReleaseFindings> {
  const problems: string[] = [];
  const user = info.user;
  if (user === "" || user === "0" || user === "root" || user.startsWith("0:") || user.startsWith("root:")) {
    problems.push(
      `it runs as root (USER ${user === "" ? "not set" : user}); add a non-root USER to the release Dockerfile`,
    );
  }
  // As root, with no network: every file can be seen, and nothing leaves the machine.
  const result = await engine.runOnce({
    image,
    argv: ["-c", INSPECT_SCRIPT],
    entrypoint: "sh",
    user: "0",
    network: "none",
    labels: {},
  });
  if (result.exitCode !== 0)
    problems.push(
      `the image could not be inspected (exit ${result.exitCode}): ${result.output.trim().slice(-300)}`,
    );
  const testOnly = new Set(excluded.map((wheel) => wheel.name).filter((name) => !runtimeNames.has(name)));
  for (const line of result.output.split("\n")) {
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
