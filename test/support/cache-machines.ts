// What the registry-cache engine tests share: "machines" that share only the registry (each its own
// HOME, cache folder with the result store, and engine config), the JSON events a `--json` run
// wrote to stderr, and the manifest of a project's wheelhouse.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Manifest } from "../../src/domain/manifest.js";
import type { WheelwrightEvent } from "../../src/events.js";
import type { CliResult } from "./cli.js";
import { testRun } from "./test-run.js";

/** A machine of its own: HOME, cache folder (result store) and engine config, under the run's temp root. */
export function machine(prefix: string, name: string): Record<string, string> {
  const home = mkdtempSync(path.join(testRun().tempRoot, `${prefix}-${name}-`));
  return {
    HOME: home,
    XDG_CACHE_HOME: path.join(home, ".cache"),
    DOCKER_CONFIG: path.join(home, ".docker"),
  };
}

export const events = (result: CliResult): WheelwrightEvent[] =>
  result.stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as WheelwrightEvent);

export const messages = (result: CliResult, type: "notice" | "warning"): string[] =>
  events(result).flatMap((event) => (event.type === type ? [event.message] : []));

export const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

export const manifestOf = (root: string): Manifest =>
  JSON.parse(readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8")) as Manifest;
