// An image's facts as the Engine interface gives them, from `image inspect --format '{{json .}}'`
// (docker's and podman's print the same fields; PodmanCli adjusts ids and names afterwards).
import { EngineFailureError } from "../errors.js";
import type { ImageInfo } from "./engine.js";

/** What `image inspect --format '{{json .}}'` prints of an image (the fields used). */
export interface RawImage {
  Id: string;
  Created: string;
  RepoTags: string[] | null;
  Size?: number;
  Os?: string;
  Architecture?: string;
  Variant?: string;
  Config?: {
    Labels?: Record<string, string> | null;
    User?: string;
    Volumes?: Record<string, unknown> | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
  };
}

/**
 * An image's facts from the engine's inspect output. Output without an id was not understood: that
 * is the engine's failure, never an image without a USER (the release check would blame the Dockerfile).
 */
export function imageInfoOf(raw: RawImage, reference: string): ImageInfo {
  if (typeof raw?.Id !== "string" || raw.Id === "") {
    throw new EngineFailureError(`The engine's description of the image ${reference} could not be read`, {
      details: [JSON.stringify(raw).slice(0, 200)],
      hint: "This engine's `image inspect` output is not what wheelwright reads; run `wheelwright info` and report the engine and its version.",
    });
  }
  return {
    id: raw.Id,
    created: raw.Created,
    labels: raw.Config?.Labels ?? {},
    repoTags: raw.RepoTags ?? [],
    user: raw.Config?.User ?? "",
    size: raw.Size ?? 0,
    volumes: Object.keys(raw.Config?.Volumes ?? {}).sort(),
    hasCommand: (raw.Config?.Cmd?.length ?? 0) > 0 || (raw.Config?.Entrypoint?.length ?? 0) > 0,
    platform: {
      os: raw.Os ?? "",
      architecture: raw.Architecture ?? "",
      variant: raw.Variant === undefined || raw.Variant === "" ? undefined : raw.Variant,
    },
  };
}
