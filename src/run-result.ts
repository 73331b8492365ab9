// What each command produced, as facts a summary can show: the CLI prints its own result lines, and
// on GitHub Actions the same facts become the job summary's tables.

export interface WheelRow {
  name: string;
  version: string;
  filename: string;
  size: number;
  origin: "built" | "fetched";
}

export interface TestCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

export type RunResult =
  | {
      command: "build";
      status: "up-to-date" | "built" | "restored";
      /** Why it built (or did not): the build decision's reason. */
      reason: string;
      wheels: WheelRow[];
    }
  | { command: "test"; app: string; testLine: string; noTests?: true; junit?: string; counts?: TestCounts }
  | { command: "release"; image: string; tags: string[]; sizeBytes: number; user: string; sbom?: SbomFacts }
  | {
      command: "push";
      pushed: { reference: string; digest: string }[];
      /** The manifest lists published (a family's targets as one multi-arch image). */
      lists?: { name: string; digest: string; members: { platform: string; digest: string }[] }[];
    };

/** What the release image's SBOM lists, and where the image holds it. */
export interface SbomFacts {
  path: string;
  wheels: number;
  debianPackages: number;
}

/** `sbom: 12 wheels, 88 Debian packages, at /usr/share/wheelwright/sbom.cdx.json` */
export function sbomLine(sbom: SbomFacts): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return `sbom: ${count(sbom.wheels, "wheel", "wheels")}, ${count(sbom.debianPackages, "Debian package", "Debian packages")}, at ${sbom.path}`;
}
