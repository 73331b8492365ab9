// Labels wheelwright puts on everything it creates, so `clean` and the dangling-image prune touch
// only this project's images and containers.
export const LABEL_PROJECT = "io.wheelwright.project";
export const LABEL_CONTEXT = "io.wheelwright.context";
export const LABEL_RUN = "io.wheelwright.run";
export const LABEL_DIRTY = "io.wheelwright.dirty";
export const LABEL_CONTEXT_HASH = "io.wheelwright.context-hash";
/** On a target's images (issue 14): the target's name, and its platform when it declares one. */
export const LABEL_TARGET = "io.wheelwright.target";
export const LABEL_PLATFORM = "io.wheelwright.platform";

/** The value of the project label: the image namespace and app name, which together name its images. */
export function projectId(namespace: string, app: string): string {
  return namespace === "" ? app : `${namespace}/${app}`;
}

/**
 * The named volume holding the project's pip cache and build environments. A target that declares
 * a platform gets its own (`...-linux-arm64`): the helper keys its build environments by Python
 * version only, and an arm64 environment must never be reused by an amd64 builder of that version.
 */
export function cacheVolumeName(namespace: string, app: string, platform?: string): string {
  const base = `wheelwright-cache-${projectId(namespace, app)}`;
  return (platform === undefined ? base : `${base}-${platform}`).replace(/[^a-z0-9_.-]+/g, "-");
}
