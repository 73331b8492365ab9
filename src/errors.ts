// Every failure class the tool reports, with its stable exit code (the README's table is tested against it).
// Only src/cli/main.ts turns these into process exits.

export const EXIT_CODES = {
  ok: 0,
  usage: 2,
  input: 3,
  engine: 4,
  imageBuild: 5,
  wheelBuild: 6,
  integrity: 7,
  tests: 8,
  registry: 9,
  locked: 10,
  resources: 11,
  untrusted: 12,
  unreproducible: 13,
  unverified: 14,
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCodeName = keyof typeof EXIT_CODES;

export const EXIT_CODE_MEANINGS: Record<ExitCodeName, string> = {
  ok: "success",
  usage: "bad command line (unknown command or flag, missing argument)",
  input: "bad config or project input (rejected before the engine is called)",
  engine: "container engine unavailable, too old, or missing a capability",
  imageBuild: "image build failed",
  wheelBuild: "wheel build failed",
  integrity: "integrity failure (hash or manifest mismatch)",
  tests: "tests failed",
  registry: "registry or push failed",
  locked: "another run holds the lock",
  resources: "resource exhausted (disk, memory, time)",
  untrusted: "the builder's output broke the trust boundary",
  unreproducible: "`build --check-reproducible`: a second build gave other bytes",
  unverified: "`verify`: the image does not match its provenance, or has none",
  interrupted: "interrupted (SIGINT)",
  terminated: "terminated (SIGTERM)",
};

export interface ErrorDetails {
  /** What to do next. */
  hint?: string;
  /** Lines that explain the failure (one problem per line, or the tail of a log). */
  details?: readonly string[];
  cause?: unknown;
}

export class WheelwrightError extends Error {
  readonly exitCode: number;
  readonly code: ExitCodeName;
  readonly hint: string | undefined;
  readonly details: readonly string[];

  constructor(code: ExitCodeName, message: string, extra: ErrorDetails = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = EXIT_CODES[code];
    this.hint = extra.hint;
    this.details = extra.details ?? [];
  }
}

export class UsageError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("usage", message, extra);
  }
}

/** Bad config, bad project metadata, bad names: found before any engine call. */
export class InputError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("input", message, extra);
  }
}

export class EngineUnavailableError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("engine", message, extra);
  }
}

/** The engine answered but failed an operation (a container would not start, a copy failed). */
export class EngineFailureError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("engine", message, extra);
  }
}

export class ImageBuildError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("imageBuild", message, extra);
  }
}

export class WheelBuildError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("wheelBuild", message, extra);
  }
}

export class RegistryError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("registry", message, extra);
  }
}

export class TestsFailedError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("tests", message, extra);
  }
}

export class IntegrityError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("integrity", message, extra);
  }
}

export class LockedError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("locked", message, extra);
  }
}

export class ResourceError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("resources", message, extra);
  }
}

/**
 * The builder's output broke the trust boundary: a link, a device, a path that leaves the output
 * folder, a name that is not a plain wheel file name, or more files or bytes than the limits allow.
 * The builder runs third-party build code, so this is what a hostile or broken build step looks like.
 */
export class UntrustedOutputError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("untrusted", message, extra);
  }
}

export class InterruptedError extends WheelwrightError {
  constructor(signal: "SIGINT" | "SIGTERM") {
    super(signal === "SIGINT" ? "interrupted" : "terminated", `Interrupted by ${signal}`, {
      hint: "Everything this run had started was stopped and removed; nothing it had not finished was kept.",
    });
  }
}

/** `build --check-reproducible`: the second build's wheels differ from the first's. */
export class NotReproducibleError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("unreproducible", message, extra);
  }
}

/** `verify`: the image has no provenance, or differs from it (digest, commit, wheels). */
export class ProvenanceMismatchError extends WheelwrightError {
  constructor(message: string, extra?: ErrorDetails) {
    super("unverified", message, extra);
  }
}
