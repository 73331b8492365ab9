// wheelwright as a library: load a project's config, then call the workflows with a context of your
// own (an engine of your choice, an event sink, an abort signal). The CLI is one caller of these.
export { type LoadedProject, type LoadedTarget, loadProject } from "./config/load.js";
export type { ResolvedConfig } from "./config/schema.js";
export { selectTargets, targetView } from "./config/target-view.js";
export type { TargetConfig } from "./config/targets.js";
export { type InterpreterFacts, wheelSupported } from "./domain/interpreter-tags.js";
export type { Manifest, ManifestWheel } from "./domain/manifest.js";
export { type Detection, detectEngine } from "./engine/detect.js";
export type { ContainerEngine, Engine } from "./engine/engine.js";
export { realProcessRunner } from "./engine/process-runner.js";
export * from "./errors.js";
export type { EventSink, ProgressEvent, WheelwrightEvent } from "./events.js";
export { renderPlan } from "./plan/plan.js";
export type { RunResult, TestCounts, WheelRow } from "./run-result.js";
export { buildImages, planImageBuild } from "./workflows/build-images.js";
export { buildWheelhouse } from "./workflows/build-wheelhouse.js";
export { cleanProject, planCleanProject } from "./workflows/clean.js";
export type { WorkflowContext } from "./workflows/context.js";
export { describeProject } from "./workflows/describe-project.js";
export { initProject } from "./workflows/init-project.js";
export { planPushImages, pushImages } from "./workflows/push-images.js";
export { planReleaseImage, releaseImage } from "./workflows/release-image.js";
export { runAll } from "./workflows/run-all.js";
export { runInBuilder } from "./workflows/run-in-builder.js";
export { runInRelease } from "./workflows/run-release.js";
export { runTests } from "./workflows/run-tests.js";
export { writeLock } from "./workflows/write-lock.js";
