// How much the builder may hand back: bounds that stop a disk-filling build step long before the disk
// is full, with room for the largest real wheelhouses. Config keys max-output-* override them.
export interface OutputLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = {
  // A large application's wheelhouse holds a few hundred wheels; ten times that is not a real build.
  maxFiles: 5000,
  // Room for the largest wheels there are (GPU libraries run to hundreds of MiB), yet a build step
  // cannot hand over a file the size of a disk.
  maxFileBytes: 2 * GiB,
  // Ten of the largest wheels: more than any real set, small enough to stop a disk-filling build step.
  maxTotalBytes: 20 * GiB,
};

/** report.json is read into memory to parse it: bounded. */
export const MAX_REPORT_BYTES = 16 * MiB;

/**
 * What an output adds up to against its limits: the files the builder hands over, and the host's
 * own files its report names (a builder naming every file of a large local mirror would fill the
 * host's disk as surely as one handing them over).
 */
export class OutputBudget {
  private files: number;
  private bytes: number;

  constructor(
    private readonly limits: OutputLimits,
    already: readonly { size: number }[] = [],
  ) {
    this.files = already.length;
    this.bytes = already.reduce((sum, file) => sum + file.size, 0);
  }

  /** The limit one more file of `size` bytes would pass, or undefined (and it is counted). */
  take(size: number, maxFileBytes = this.limits.maxFileBytes): string | undefined {
    const { maxFiles, maxTotalBytes } = this.limits;
    if (this.files + 1 > maxFiles) return `more than ${maxFiles} files in the output`;
    if (size > maxFileBytes) return `${size} bytes, over the limit of ${maxFileBytes} bytes per file`;
    if (this.bytes + size > maxTotalBytes)
      return `the output passes its limit of ${maxTotalBytes} bytes in all`;
    this.files += 1;
    this.bytes += size;
    return undefined;
  }
}
