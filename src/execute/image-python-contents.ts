// What a release image holds of Python (issue 13), read by one container of it (the spec is
// domain/image-contents.ts): its SBOM's text and its installed distributions. The engine pulls a
// missing image itself (by digest, so it checks what it gets); the container is removed afterwards.
// The output is untrusted: capped, and read between the run's markers.
import { imageContentsMarker, imageContentsSpec } from "../domain/image-contents.js";
import { LABEL_RUN } from "../domain/labels.js";
import type { ContainerEngine } from "../engine/engine.js";
import { EngineFailureError } from "../errors.js";

export { RELEASE_SBOM_PATH } from "../domain/image-contents.js";

const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

export interface ImagePythonContents {
  /** The SBOM's text, undefined when the image has none at RELEASE_SBOM_PATH. */
  sbom: string | undefined;
  /** `[{name, version}]` as JSON text (parsed by the caller, strictly). */
  distributions: string;
}

export async function readImagePythonContents(
  engine: ContainerEngine,
  image: string,
  runId: string,
  signal: AbortSignal,
): Promise<ImagePythonContents> {
  const marker = imageContentsMarker(runId);
  const result = await engine
    .runOnce(imageContentsSpec(image, runId), { signal })
    // `docker run --rm` may return before the daemon has removed the container: make sure it is gone.
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
