// Runs a command and measures its wall time and (optionally) the peak RSS of the process tree's root.
import { readFileSync } from "node:fs";
import { execa } from "execa";

export interface Measurement {
  seconds: number;
  peakMiB: number | undefined;
  /** What the command printed (stdout and stderr interleaved): a scenario checks it did what it says. */
  output: string;
}

function peakOf(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export async function measure(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Measurement> {
  const started = process.hrtime.bigint();
  const child = execa(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    reject: false,
    stdin: "ignore",
    all: true,
  });
  // VmHWM only grows: the last value read before the process ends is its peak (sampled every 50 ms).
  let peak: number | undefined;
  const timer = setInterval(() => {
    const value = child.pid === undefined ? undefined : peakOf(child.pid);
    if (value !== undefined) peak = value;
  }, 50);
  const result = await child;
  clearInterval(timer);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.exitCode !== 0)
    throw new Error(
      `${argv.join(" ")} failed (${result.exitCode}):\n${String(result.all).split("\n").slice(-15).join("\n")}`,
    );
  return { seconds, peakMiB: peak, output: String(result.all) };
}

export async function run(
  command: string,
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const result = await execa("sh", ["-c", command], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    reject: false,
  });
  if (result.exitCode !== 0)
    throw new Error(`${command} failed (${result.exitCode}): ${String(result.stderr).slice(-2000)}`);
  return String(result.stdout).trim();
}

/** Runs one untimed set-up step and says on stderr how long it took (image builds dominate a --quick run). */
export async function setupStep<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await fn();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write(`bench: set-up: ${label} (${seconds.toFixed(1)} s, untimed)\n`);
  return result;
}
