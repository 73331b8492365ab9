// Engine discovery as an ordered list of candidates; each rejected one says why, so `info` and the
// "no engine" error can tell the user exactly what was tried.
import { accessSync, constants } from "node:fs";
import path from "node:path";
import type { EngineChoice } from "../config/schema.js";
import { EngineUnavailableError, WheelwrightError } from "../errors.js";
import { DockerCli } from "./docker-cli.js";
import type { ContainerEngine, EngineCapabilities } from "./engine.js";
import { PodmanCli } from "./podman-cli.js";
import type { ProcessRunner } from "./process-runner.js";

export type Candidate = "docker" | "podman" | "local";

export interface CandidateReport {
  candidate: Candidate;
  accepted: boolean;
  /** False for a candidate never asked: the config chose another engine, or an earlier one answered. */
  tried?: boolean;
  reason: string;
}

/** Every engine, in the order `auto` tries them. */
export const DETECTION_ORDER: readonly Candidate[] = ["docker", "podman", "local"];

/**
 * The report with a line for each candidate it does not mention, saying why it was not tried:
 * `info` then shows why each engine was or was not chosen, not only the ones asked.
 */
function withUntried(report: CandidateReport[], choice: EngineChoice): CandidateReport[] {
  const chosen = report.find((entry) => entry.accepted);
  const untried = DETECTION_ORDER.filter(
    (candidate) => !report.some((entry) => entry.candidate === candidate),
  );
  return [
    ...report,
    ...untried.map((candidate) => ({
      candidate,
      accepted: false,
      tried: false,
      reason:
        choice !== "auto"
          ? `not tried: the engine is set to ${choice}`
          : `not tried: ${chosen?.candidate ?? "an earlier candidate"} answered first`,
    })),
  ];
}

export type Detection =
  | {
      kind: "container";
      engine: ContainerEngine;
      capabilities: EngineCapabilities;
      report: CandidateReport[];
    }
  | { kind: "local"; report: CandidateReport[] };

export interface DetectOptions {
  choice: EngineChoice;
  env: Record<string, string | undefined>;
  runner: ProcessRunner;
  /** Finds an executable on PATH; injected so detection is testable. */
  which?: (name: string, env: Record<string, string | undefined>) => string | undefined;
}

export function whichOnPath(name: string, env: Record<string, string | undefined>): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export async function detectEngine(options: DetectOptions): Promise<Detection> {
  const which = options.which ?? whichOnPath;
  const report: CandidateReport[] = [];
  const order: ("docker" | "podman")[] =
    options.choice === "docker"
      ? ["docker"]
      : options.choice === "podman"
        ? ["podman"]
        : options.choice === "auto"
          ? ["docker", "podman"]
          : [];

  if (options.choice === "local") {
    report.push({ candidate: "local", accepted: true, reason: "chosen by config (engine = local)" });
    return { kind: "local", report: withUntried(report, options.choice) };
  }
  let lastError: WheelwrightError | undefined;
  for (const kind of order) {
    const binary = which(kind, options.env);
    if (binary === undefined) {
      report.push({ candidate: kind, accepted: false, reason: `no \`${kind}\` command on PATH` });
      continue;
    }
    const engine =
      kind === "podman"
        ? new PodmanCli({ runner: options.runner, env: options.env })
        : new DockerCli({ binary: kind, runner: options.runner, env: options.env });
    try {
      const capabilities = await engine.probe();
      report.push({
        candidate: kind,
        accepted: true,
        reason: `server ${capabilities.serverVersion} answers at ${capabilities.endpoint}`,
      });
      return { kind: "container", engine, capabilities, report: withUntried(report, options.choice) };
    } catch (error) {
      if (!(error instanceof WheelwrightError)) throw error;
      lastError = error;
      report.push({ candidate: kind, accepted: false, reason: error.message });
    }
  }
  if (options.choice !== "auto") {
    throw (
      lastError ??
      new EngineUnavailableError(`No \`${options.choice}\` command on PATH`, {
        hint: "Install it, or choose another engine with --engine.",
      })
    );
  }
  report.push({ candidate: "local", accepted: true, reason: "no container engine answered" });
  return { kind: "local", report };
}

/** For commands that need a container engine (image, release, push): the local engine cannot build images. */
export function requireContainerEngine(
  detection: Detection,
  command: string,
): Extract<Detection, { kind: "container" }> {
  if (detection.kind === "container") return detection;
  throw new EngineUnavailableError(`\`wheelwright ${command}\` needs a container engine, and none answered`, {
    details: detection.report.map((entry) => `${entry.candidate}: ${entry.reason}`),
    hint: "Start Docker (see the README: `sudo dockerd --bridge=none --iptables=false &`) or Podman, or point DOCKER_HOST at one.",
  });
}
