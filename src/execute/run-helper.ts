// Runs the builder helper in a sandbox and turns its event lines into progress: one step per phase,
// the package being built and how many are left on the live line, pip's output kept for a failure.
import type { EventSink, ProgressEvent } from "../events.js";
import { StepTracker } from "../events.js";
import { type HelperErrorEvent, type HelperMessage, parseHelperLine } from "./helper-result.js";
import type { BuildSandbox } from "./sandbox.js";

export interface HelperRunOptions {
  sandbox: BuildSandbox;
  argv: readonly string[];
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  emit: EventSink;
  clock: () => number;
  /** Told of each `host-file` hint: a fetched wheel that is a copy of the host's own file there. */
  onHostFile?: (at: string) => void;
}

export interface HelperRunResult {
  exitCode: number;
  /** Stopped by wheelwright's own signal (Ctrl-C) or by the timeout. */
  aborted: boolean;
  timedOut: boolean;
  error: HelperErrorEvent | undefined;
  /** The app wheel's facts as the helper reported them (checked against the wheel later). */
  app: Extract<HelperMessage, { kind: "app" }> | undefined;
  /** Every line of output that was not an event (pip's and the backend's), for a failure's tail. */
  output: string[];
  /** The package the helper was last working on (for "which one ran out of memory"). */
  lastPackage: string | undefined;
}

const TITLES: Record<string, string> = {
  bootstrap: "ready the builder's helper",
  app: "build the application's wheel",
  resolve: "resolve the dependencies",
  deps: "fetch and build the dependencies' wheels",
  check: "check the wheel set",
};

/**
 * The helper's progress as an event. An sdist starting to compile is a milestone (a log shows
 * which one, and how many are left); fetching a wheel and finishing one only move the live line.
 */
export function progressEvent(
  id: string,
  message: Extract<HelperMessage, { kind: "progress" }>,
): ProgressEvent {
  const { done, total } = message;
  const counts = `${done}/${total} done, ${total - done} left`;
  if (message.package === undefined || message.state === undefined) {
    const text = `${done}/${total}${message.current === undefined ? "" : `  ${message.current}`}`;
    return { type: "progress", id, text, done, total };
  }
  if (message.state === "building")
    return {
      type: "progress",
      id,
      text: `compiling ${message.package} from its sdist (${counts})`,
      done,
      total,
      milestone: true,
    };
  return { type: "progress", id, text: `${message.state} ${message.package} (${counts})`, done, total };
}

/**
 * The helper's phases as steps, with the app's step kept open until its wheel is built: the helper
 * starts resolving (and fetching) from the static metadata while the app builds, and a phase begun
 * then must not mark the app's build done (nor put the app's own failure under "resolve"). Such
 * phases start, in their order, once the app's wheel is built; the steps say what went on meanwhile.
 */
class AppPhases {
  private readonly pending: string[] = [];
  private appDone = false;

  constructor(private readonly steps: StepTracker) {}

  phase(phase: string): void {
    if (this.steps.id === "app" && !this.appDone && phase !== "app") {
      if (!this.pending.includes(phase)) this.pending.push(phase);
      return;
    }
    this.steps.start(phase, TITLES[phase] ?? phase);
  }

  appBuilt(): void {
    this.appDone = true;
    if (this.pending.length === 0 || this.steps.id !== "app") return;
    const phases = this.pending.splice(0);
    this.steps.finish(
      phases.length === 1
        ? "resolving the dependencies meanwhile"
        : "the dependencies were resolved meanwhile",
    );
    phases.forEach((phase, index) => {
      this.steps.start(phase, TITLES[phase] ?? phase);
      if (index < phases.length - 1) this.steps.finish("done while the application's wheel was built");
    });
  }
}

export async function runHelper(options: HelperRunOptions): Promise<HelperRunResult> {
  const { emit } = options;
  const steps = new StepTracker(emit, options.clock);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const result: HelperRunResult = {
    exitCode: 0,
    aborted: false,
    timedOut: false,
    error: undefined,
    app: undefined,
    output: [],
    lastPackage: undefined,
  };
  const phases = new AppPhases(steps);
  const onMessage = (message: HelperMessage) => {
    if (message.kind === "phase") phases.phase(message.phase);
    else if (message.kind === "log") {
      result.output.push(message.line);
      if (message.package !== undefined) result.lastPackage = message.package;
      emit({ type: "output", id: steps.id ?? "helper", line: message.line, stream: "stdout" });
    } else if (message.kind === "progress") {
      if (message.current !== undefined) result.lastPackage = message.current.split(" ")[0];
      emit(progressEvent(steps.id ?? "helper", message));
    } else if (message.kind === "app") {
      result.app = message;
      phases.appBuilt();
    } else if (message.kind === "error") result.error = message as HelperErrorEvent;
    else if (message.kind === "host-file") options.onHostFile?.(message.at);
  };
  const run = await options.sandbox.run(options.argv, {
    env: options.env,
    workdir: options.sandbox.paths.work,
    signal,
    onOutput: (line) => {
      const message = parseHelperLine(line);
      if (message === undefined) result.output.push(line);
      else onMessage(message);
    },
  });
  result.exitCode = run.exitCode;
  result.aborted = run.aborted || signal.aborted;
  result.timedOut = timeout.aborted && !options.signal.aborted;
  if (run.exitCode === 0 && !result.aborted) steps.finish();
  else steps.fail();
  return result;
}
