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
