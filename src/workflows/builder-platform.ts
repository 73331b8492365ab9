// The builder image's platform against the target's and the engine's (issue 14, item 3): a target
// whose images are not of the platform it declares is refused before its builder starts, a builder
// the engine can only run by QEMU emulation is said to be slow, and one this machine cannot
// emulate at all is refused with what to install (not left to fail with "exec format error").
import type { LoadedProject } from "../config/load.js";
import type { EmulatedPlatform, EmulationFact } from "../domain/emulation.js";
import { emulatedText, judgeBuilderPlatform } from "../domain/platform.js";
import type { ContainerEngine, ImageInfo } from "../engine/engine.js";
import { readHostEmulation } from "../engine/host-emulation.js";
import { EngineFailureError, ImageBuildError } from "../errors.js";
import type { WorkflowContext } from "./context.js";

const KNOWN_EMULATED: readonly string[] = ["linux/arm64", "linux/amd64"] satisfies EmulatedPlatform[];

/**
 * Checks the builder image's platform; returns what the builder step adds to its description
 * (`emulated linux/arm64 ...`), or undefined for a native builder.
 */
export async function checkBuilderPlatform(
  ctx: WorkflowContext,
  project: LoadedProject,
  engine: ContainerEngine,
  image: ImageInfo,
  reference: string,
  readEmulation: (platform: EmulatedPlatform) => EmulationFact = readHostEmulation,
): Promise<string | undefined> {
  const capabilities = await engine.probe();
  const judged = judgeBuilderPlatform(project.target?.platform, image.platform, capabilities.platform);
  if (judged.kind === "native") return undefined;
  const target = project.target?.name ?? "";
  if (judged.kind === "mismatch") {
    throw new ImageBuildError(
      `Target ${target} declares platform ${judged.declared}, but its builder image ${reference} is ${judged.image}`,
      {
        hint: `Build the target's images from a ${judged.declared} base (a build arg naming one, as DEBIAN_IMAGE = "debian:bookworm-slim-arm64"), or set the target's platform to ${judged.image}.`,
      },
    );
  }
  // binfmt_misc is this kernel's: only an engine on this machine runs under it (a remote one's
  // kernel is asked by running the builder: it says so if it cannot).
  if (capabilities.location === "local" && KNOWN_EMULATED.includes(judged.platform)) {
    const fact = readEmulation(judged.platform as EmulatedPlatform);
    if (!fact.available) {
      throw new EngineFailureError(
        `The builder image ${reference} is ${judged.platform}, which this ${judged.engine} machine cannot run: ${fact.reason}`,
        {
          hint: "Register QEMU's user-mode handler (Debian: apt-get install qemu-user-static binfmt-support); `wheelwright info` says when emulation is available.",
        },
      );
    }
  }
  const text = emulatedText(judged);
  ctx.emit({ type: "notice", message: `the builder runs ${text}` });
  return `emulated ${judged.platform}`;
}
