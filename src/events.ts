// The library reports what it does as events; the CLI decides how to show them (TTY, CI lines, NDJSON).
import type { RunResult } from "./run-result.js";

export type { RunResult } from "./run-result.js";

export type WheelwrightEvent =
  | { type: "step-started"; id: string; title: string }
  | { type: "step-finished"; id: string; title: string; seconds: number; detail?: string }
  | { type: "step-failed"; id: string; title: string; seconds: number }
  | { type: "output"; id: string; line: string; stream: "stdout" | "stderr" }
  | ProgressEvent
  | { type: "warning"; message: string }
  | { type: "notice"; message: string }
  /** What a command produced (its wheels, image, digests): a CI summary is made of these. */
  | { type: "result"; result: RunResult };

/**
 * Where a long step is. `milestone` marks a new stage (a package starts compiling, a Dockerfile
 * step begins): a log gets one line for each, a terminal only updates its live line.
 */
export interface ProgressEvent {
  type: "progress";
  id: string;
  text: string;
  done?: number;
  total?: number;
  milestone?: boolean;
}

export type EventSink = (event: WheelwrightEvent) => void;

/** Runs `work` between step-started and step-finished/failed events, timing it with the injected clock. */
export async function step<T>(
  emit: EventSink,
  id: string,
  title: string,
  work: () => Promise<T>,
  clock: () => number = Date.now,
  detail?: (result: T) => string | undefined,
): Promise<T> {
  const started = clock();
  emit({ type: "step-started", id, title });
  try {
    const result = await work();
    const extra = detail?.(result);
    emit({
      type: "step-finished",
      id,
      title,
      seconds: (clock() - started) / 1000,
      ...(extra === undefined ? {} : { detail: extra }),
    });
    return result;
  } catch (error) {
    emit({ type: "step-failed", id, title, seconds: (clock() - started) / 1000 });
    throw error;
  }
}

/**
 * Steps whose boundaries are only known as work goes on (the helper's phases): starting one
 * finishes the one before. The same events `step()` emits.
 */
export class StepTracker {
  private current: { id: string; title: string; started: number } | undefined;

  constructor(
    private readonly emit: EventSink,
    private readonly clock: () => number = Date.now,
  ) {}

  get id(): string | undefined {
    return this.current?.id;
  }

  start(id: string, title: string): void {
    if (this.current?.id === id) return;
    this.finish();
    this.current = { id, title, started: this.clock() };
    this.emit({ type: "step-started", id, title });
  }

  finish(detail?: string): void {
    this.end("step-finished", detail);
  }

  fail(): void {
    this.end("step-failed");
  }

  private end(type: "step-finished" | "step-failed", detail?: string): void {
    const current = this.current;
    if (current === undefined) return;
    this.current = undefined;
    const seconds = (this.clock() - current.started) / 1000;
    this.emit(
      type === "step-finished"
        ? { type, id: current.id, title: current.title, seconds, ...(detail === undefined ? {} : { detail }) }
        : { type, id: current.id, title: current.title, seconds },
    );
  }
}

/**
 * The events of one target's run when several run (issue 14): each step id, title and line names
 * the target, so interleaved runs read apart and their steps never share an id.
 */
export function labelEvents(emit: EventSink, label: string): EventSink {
  const tag = `[${label}] `;
  const id = (own: string) => `${label}:${own}`;
  return (event) => {
    switch (event.type) {
      case "step-started":
      case "step-finished":
      case "step-failed":
        return emit({ ...event, id: id(event.id), title: tag + event.title });
      case "output":
        return emit({ ...event, id: id(event.id), line: tag + event.line });
      case "progress":
        return emit({ ...event, id: id(event.id), text: tag + event.text });
      case "warning":
      case "notice":
        return emit({ ...event, message: tag + event.message });
      case "result":
        return emit(event);
    }
  };
}
