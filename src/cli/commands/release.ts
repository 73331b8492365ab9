// `wheelwright release [TAG...]`, the seed's `make release`, done right: the release image from the
// base image of this commit and the runtime wheels alone, checked before it gets its tags.
import path from "node:path";
import { tagProblem } from "../../domain/image-ref.js";
import { contextImageName } from "../../domain/names.js";
import { releaseContents } from "../../domain/release-contents.js";
import { requireContainerEngine } from "../../engine/detect.js";
import { ImageBuildError, InputError } from "../../errors.js";
import { inspectReleaseImage } from "../../execute/release-check.js";
import { makeReleaseContext } from "../../execute/release-context.js";
import { newRunId } from "../../execute/wheelhouse.js";
import type { ImageBuildStep } from "../../plan/image-plan.js";
import { detectSessionEngine, loadSessionProject, type Session } from "../session.js";
import { currentWheelhouse } from "../wheelhouse-state.js";
import { buildPlannedImages, planImageCommand } from "./image.js";

export const LABEL_WHEELHOUSE = "io.wheelwright.wheelhouse";

export async function releaseCommand(session: Session, extraTags: string[]): Promise<void> {
  const project = loadSessionProject(session);
  const badTags = extraTags
    .map((tag) => [tag, tagProblem(tag)] as const)
    .filter(([, problem]) => problem !== undefined);
  if (badTags.length > 0) {
    throw new InputError("Invalid release tag", {
      details: badTags.map(([tag, problem]) => `'${tag}' ${problem}`),
    });
  }
  const manifest = await currentWheelhouse(session, project, "release");
  const contents = releaseContents(manifest);
  const context = contextImageName(project.config.releaseContext.value);
  const releaseFolder = path.join(project.imagesDir, project.config.releaseContext.value);
  const detection = requireContainerEngine(await detectSessionEngine(session, project), "release");
  const { engine } = detection;
  const build = makeReleaseContext(releaseFolder, project.wheelhouseDir, contents);
  const runId = newRunId();
  try {
    const plan = await planImageCommand(
      session,
      project,
      { targets: [context], all: false, contextPath: path.relative(project.root, build.dir) },
      engine,
    );
    const release = plan.steps.find(
      (s): s is ImageBuildStep => s.kind === "build-image" && s.context === context,
    )!;
    const finalTags = [...release.tags, ...extraTags.map((tag) => `${release.repository}:${tag}`)];
    // Built under a candidate tag and checked first: a release that fails its check gets no tag.
    const candidate = `${release.repository}:wheelwright-candidate-${runId}`;
    release.tags = [candidate];
    release.labels = { ...release.labels, [LABEL_WHEELHOUSE]: manifest.inputs.fingerprint };
    await buildPlannedImages(session, project, plan, engine);
    try {
      const info = await engine.inspectImage(candidate);
      if (info === undefined)
        throw new ImageBuildError(`The release image ${candidate} is missing after its build`);
      session.emit({ type: "step-started", id: "check", title: "check the release image" });
      const started = session.clock();
      const runtimeNames = new Set([contents.app.name, ...contents.dependencies.map((w) => w.name)]);
      const findings = await inspectReleaseImage(engine, candidate, info, contents.excluded, runtimeNames);
      const seconds = (session.clock() - started) / 1000;
      if (findings.problems.length > 0) {
        session.emit({ type: "step-failed", id: "check", title: "check the release image", seconds });
        throw new ImageBuildError("The release image failed its check", {
          details: findings.problems,
          hint: `Fix ${project.config.images.value}/${project.config.releaseContext.value}/Dockerfile: only the base image and the runtime wheels belong in a release.`,
        });
      }
      session.emit({
        type: "step-finished",
        id: "check",
        title: "check the release image",
        seconds,
        detail: `user ${findings.user}`,
      });
      const previous = await Promise.all(finalTags.map((tag) => engine.inspectImage(tag)));
      for (const tag of finalTags) await engine.tagImage(candidate, tag);
      // The release images these tags named before: removed once no tag names them.
      for (const id of new Set(
        previous.filter((p) => p !== undefined && p.id !== info.id).map((p) => p!.id),
      )) {
        if ((await engine.inspectImage(id))?.repoTags.length === 0) await engine.removeImages([id]);
      }

      const size = (info.size / 1e6).toFixed(1);
      if (session.json) {
        session.out(
          `${JSON.stringify({ version: 1, image: info.id, tags: finalTags, sizeMB: Number(size), user: findings.user, wheels: [contents.app, ...contents.dependencies].map((w) => w.filename) }, null, 2)}\n`,
        );
      } else {
        session.out(
          `${finalTags.join(" ")}\n${info.id.replace(/^sha256:/, "").slice(0, 12)}  ${size} MB  user ${findings.user}  ${contents.dependencies.length + 1} wheels\n`,
        );
      }
    } finally {
      // A release that failed its check had only this tag: removing it removes the image.
      await engine.untagImage(candidate);
    }
  } finally {
    build.dispose();
  }
}
