// What the release check reads for the SBOM, beside its findings: dpkg's status and os-release,
// each printed line by line under its own prefix (so the check stays one container), and how those
// lines are read back into the image's system: its distribution and Debian packages.
import { type DebPackage, DPKG_STATUS_LIMITS, linesOf, parseDpkgStatus } from "./dpkg-status.js";
import { type OsRelease, parseOsRelease } from "./os-release.js";

export const DPKG_STATUS_PREFIX = "dpkg-status:";
export const OS_RELEASE_PREFIX = "os-release:";

/**
 * The check's lines for them. One byte over each limit is read, so a file over it is seen to be;
 * the `echo` ends a last line that has no newline, so the next output starts a line of its own.
 */
export const IMAGE_SYSTEM_SCRIPT = [
  `[ -f /var/lib/dpkg/status ] && { head -c ${DPKG_STATUS_LIMITS.maxBytes + 1} /var/lib/dpkg/status; echo; } | sed 's/^/${DPKG_STATUS_PREFIX}/'`,
  `{ head -c 65537 /etc/os-release 2>/dev/null || head -c 65537 /usr/lib/os-release 2>/dev/null; echo; } | sed 's/^/${OS_RELEASE_PREFIX}/'`,
];

export interface ImageSystem {
  /** Absent: the image has no os-release. */
  os?: OsRelease;
  /** Installed Debian packages, sorted; none when the image has no dpkg status. */
  packages: DebPackage[];
}

/** The image's system from the check's output, or the problems that keep it from being read. */
export function readImageSystem(checkOutput: string): { system: ImageSystem; problems: string[] } {
  const status: string[] = [];
  const osRelease: string[] = [];
  for (const line of linesOf(checkOutput)) {
    if (line.startsWith(DPKG_STATUS_PREFIX)) status.push(line.slice(DPKG_STATUS_PREFIX.length));
    else if (line.startsWith(OS_RELEASE_PREFIX)) osRelease.push(line.slice(OS_RELEASE_PREFIX.length));
  }
  const dpkg = parseDpkgStatus(status.join("\n"));
  const os = parseOsRelease(osRelease.join("\n"));
  return {
    system: { ...(os.os === undefined ? {} : { os: os.os }), packages: dpkg.packages },
    problems: [...dpkg.problems, ...os.problems],
  };
}
