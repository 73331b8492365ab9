// Name normalisation shared by packages, extras and dependency groups.

/** PEP 503 / PEP 685: runs of '-', '_' and '.' become one '-', lowercase. `Test_Extra` is `test-extra`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** A context folder's name as an image name part and a build-arg prefix: `docker/dev_tools` -> `dev-tools`. */
export function contextImageName(folder: string): string {
  return folder.toLowerCase().replace(/[_\s]+/g, "-");
}

/** `BASE_IMAGE` for `base`, `DEV_TOOLS_IMAGE` for `dev-tools`: the build arg that names a project image. */
export function imageBuildArg(context: string): string {
  return `${context.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_IMAGE`;
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previousDiagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previousDiagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      previousDiagonal = above;
    }
  }
  return row[b.length]!;
}

/** The closest candidate within a small distance, for "did you mean". */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(value.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
