// What a release image holds of Python (issue 13): its SBOM file and every distribution its
// Python reports installed (importlib.metadata: no pip needed in the image). One container of the
// image, no network, removed afterwards; the engine pulls a missing image itself (by digest, so
// it checks what it gets). The container's output is untrusted: capped, and read between markers
// so that a pull's progress on the same stream is never taken for it.
import { randomBytes } from "node:crypto";
import { LABEL_RUN } from "../domain/labels.js";
import type { ContainerEngine } from "../engine/engine.js";
import { EngineFailureError } from "../errors.js";

export const RELEASE_SBOM_PATH = "/usr/share/wheelwright/sbom.cdx.json";
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

export interface ImagePythonContents {
  /** The SBOM's text, undefined when the image has none at RELEASE_SBOM_PATH. */
  sbom: string | undefined;
  /** `[{name, version}]` as JSON text (parsed by the caller, strictly). */
  distributions: string;
}

// Printed as one JSON line between two marker lines; the SBOM is embedded as a string.
const SCRIPT = `
import json, sys, importlib.metadata as m
try:
    sbom = open(sys.argv[2], encoding="utf-8").read()
except FileNotFoundError:
    sbom = None
dists = sorted({(d.metadata["Name"] or "", d.version) for d in m.distributions()})
print(sys.argv[1])
print(json.dumps({"sbom": sbom, "distributions": [{"name": n, "version": v} for n, v in dists if n]}))
print(sys.argv[1])
`;

export async function readImagePythonContents(
  engine: ContainerEngine,
  image: string,
  signal: AbortSignal,
): Promise<ImagePythonContents> {
  const marker = `wheelwright-${randomBytes(8).toString("hex")}`;
  const runId = randomBytes(5).toString("hex");
  const result = await engine
    .runOnce(
      {
        image,
        argv: ["-c", SCRIPT, marker, RELEASE_SBOM_PATH],
        entrypoint: "python",
        labels: { [LABEL_RUN]: runId },
        network: "none",
      },
      { signal },
    )
    .finally(async () => engine.removeContainers(await engine.listContainers([`${LABEL_RUN}=${runId}`])));
  signal.throwIfAborted();
  const parts = result.output.split(`${marker}\n`);
  if (result.exitCode !== 0 || parts.length < 3 || result.output.length > MAX_OUTPUT_BYTES)
    throw new EngineFailureError(`Could not read the Python distributions and SBOM of ${image}`, {
      details: result.output.trim().split("\n").slice(-5),
      hint: "The image must be pullable with the engine's login and hold a `python` on its PATH (a wheelwright release image does).",
    });
  let parsed: { sbom?: unknown; distributions?: unknown };
  try {
    parsed = JSON.parse(parts[1]!) as typeof parsed;
  } catch {
    throw new EngineFailureError(`${image} answered with something other than its distributions`);
  }
  return {
    sbom: typeof parsed.sbom === "string" ? parsed.sbom : undefined,
    distributions: JSON.stringify(parsed.distributions ?? null),
  };
}
