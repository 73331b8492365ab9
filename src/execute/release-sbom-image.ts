// Adds the SBOM to a checked release candidate: writes the SBOM (runtime wheels and the Debian
// packages the check read) and a one-line Dockerfile into the run's scratch folder, and builds the
// image FROM the candidate under the candidate's tag, so the tags it then gets name the image that
// carries it. The context holds those two files only: the build sends almost nothing.
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ImageSystem } from "../domain/image-system.js";
import { releaseSbomOf, SBOM_IMAGE_PATH, sbomImageDockerfile } from "../domain/release-sbom.js";
import { SBOM_FILE, sbomDocumentText } from "../domain/sbom.js";
import type { Engine, ImageInfo } from "../engine/engine.js";
import { type EventSink, step } from "../events.js";
import type { ReleasePlan } from "../plan/release-plan.js";
import { makeScratch } from "./scratch.js";

/** What the release image's SBOM says, in short, and where the image holds it. */
export interface ReleaseSbom {
  path: string;
  sha256: string;
  wheels: number;
  debianPackages: number;
}

export interface SbomImageRun {
  plan: ReleasePlan;
  /** What the check read from the candidate. */
  system: ImageSystem;
  engine: Engine;
  emit: EventSink;
  clock: () => number;
  signal?: AbortSignal;
}

/** The SBOM's facts, and the image with it (the candidate tag names it now), as its build inspected it. */
export async function addReleaseSbom(run: SbomImageRun): Promise<{ sbom: ReleaseSbom; image: ImageInfo }> {
  const { plan, emit } = run;
  const text = sbomDocumentText(releaseSbomOf(plan.sbom.basis, plan.contents, run.system));
  const sha256 = createHash("sha256").update(text).digest("hex");
  // The run's scratch folder again (the release context's was removed after its build).
  const scratch = makeScratch(path.dirname(plan.sbom.contextDir));
  try {
    const built = await step(
      emit,
      "sbom-image",
      `add the SBOM to the release image at ${SBOM_IMAGE_PATH}`,
      async () => {
        mkdirSync(plan.sbom.contextDir, { recursive: true });
        writeFileSync(plan.sbom.file, text);
        // COPY keeps the file's mode: readable by the image's non-root user whatever the umask here.
        chmodSync(plan.sbom.file, 0o644);
        // A fixed time, like the release context's wheels: the same SBOM reuses its cached layer.
        utimesSync(plan.sbom.file, new Date(0), new Date(0));
        writeFileSync(plan.sbom.spec.dockerfile, sbomImageDockerfile(plan.candidate, SBOM_FILE, sha256));
        return run.engine.buildImage(
          plan.sbom.spec,
          (line, stream) => emit({ type: "output", id: "sbom-image", line, stream }),
          run.signal,
        );
      },
      run.clock,
      (result) => result.imageId.replace(/^sha256:/, "").slice(0, 12),
    );
    const wheels = 1 + plan.contents.dependencies.length;
    return {
      sbom: { path: SBOM_IMAGE_PATH, sha256, wheels, debianPackages: run.system.packages.length },
      image: built.info,
    };
  } finally {
    scratch.dispose();
  }
}
