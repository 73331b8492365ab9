// Pure planning of `wheelwright release`: the build context (the release folder and the runtime
// wheels, each set with its hash-pinned requirements), the image built under a candidate tag, the
// check that runs in it (which also reads dpkg's status and os-release for the SBOM), the one-line
// image that adds the SBOM once the check passed, and the tags that image gets.
import type { EngineBinary, ImageBuildSpec, OneOffSpec } from "../domain/engine-commands.js";
import {
  imageBuildCommand,
  oneOffCommand,
  removeImageCommand,
  tagCommand,
} from "../domain/engine-commands.js";
import { IMAGE_SYSTEM_SCRIPT } from "../domain/image-system.js";
import type { ManifestWheel } from "../domain/manifest.js";
import { pinnedRequirements, type ReleaseContents } from "../domain/release-contents.js";
import { LABEL_SBOM, LABEL_SBOM_SHA256, SBOM_IMAGE_PATH, type SbomBasis } from "../domain/release-sbom.js";
import { SBOM_FILE } from "../domain/sbom.js";
import type { ImageBuildStep, ImagePlan } from "./image-plan.js";
import type { PrintablePlan, PrintableStep } from "./plan.js";

/** Prints `installed:NAME==VERSION` per distribution; no `"`, `$` or backquote (it is in double quotes). */
const INSTALLED_SCRIPT = [
  "import importlib.metadata as m",
  "for d in m.distributions():",
  "  n = d.metadata['Name']",
  "  if n: print('installed:%s==%s' % (n, d.version))",
].join("\n");

/**
 * What the check looks for, as `kind:value` lines: compilers, -dev packages, wheel files, installed
 * packages; then, for the SBOM, dpkg's status and os-release, line by line under their prefixes.
 */
export const RELEASE_CHECK_SCRIPT = [
  "for c in gcc cc make; do command -v $c >/dev/null 2>&1 && echo compiler:$c; done",
  "dpkg-query -W -f '${Package}\\n' 2>/dev/null | grep -- '-dev$' | sed 's/^/dev-package:/'",
  "find / -xdev \\( -path /proc -o -path /sys \\) -prune -o -name '*.whl' -print 2>/dev/null | sed 's/^/wheel-file:/'",
  // importlib.metadata reads what pip list reads (the distributions on sys.path) without importing
  // pip, which took about a second of a release's check; pip list stays for a Python before 3.8.
  `python -c "${INSTALLED_SCRIPT}" 2>/dev/null || python -m pip list --format=freeze 2>/dev/null | sed 's/^/installed:/'`,
  ...IMAGE_SYSTEM_SCRIPT,
  "true",
].join("; ");

export interface WheelCopy {
  readonly from: string;
  readonly to: string;
  readonly sha256: string;
}

/** The SBOM, added once the check passed: a one-line image FROM the candidate, under its tag. */
export interface ReleaseSbomPlan {
  /** Its build context in the run's scratch folder: the SBOM and the Dockerfile, nothing else. */
  readonly contextDir: string;
  /** The SBOM's file in that context. */
  readonly file: string;
  /** What the SBOM takes from the manifest beside the runtime wheels. */
  readonly basis: SbomBasis;
  readonly spec: ImageBuildSpec;
}

export interface ReleasePlan extends PrintablePlan {
  readonly contextDir: string;
  readonly releaseFolder: string;
  readonly copies: readonly WheelCopy[];
  readonly requirements: readonly { readonly path: string; readonly text: string }[];
  readonly image: ImagePlan;
  readonly candidate: string;
  readonly check: OneOffSpec;
  readonly sbom: ReleaseSbomPlan;
  readonly finalTags: readonly string[];
  readonly contents: ReleaseContents;
}

export interface ReleaseInputs {
  binary: EngineBinary;
  contents: ReleaseContents;
  wheelhouseDir: string;
  releaseFolder: string;
  /** The run's folder for the build context (inside its scratch folder). */
  contextDir: string;
  /** The release image's build, planned with `contextDir`, the candidate tag and the fingerprint label. */
  image: ImagePlan;
  candidate: string;
  /** The folder (inside the run's scratch folder) the SBOM's one-line image is built from. */
  sbomContextDir: string;
  sbomBasis: SbomBasis;
  finalTags: readonly string[];
  command: string;
}

export function planRelease(inputs: ReleaseInputs): ReleasePlan {
  const { contextDir, candidate } = inputs;
  const place = (sub: string, wheels: readonly ManifestWheel[]) => ({
    copies: wheels.map((wheel) => ({
      from: `${inputs.wheelhouseDir}/${wheel.filename}`,
      to: `${contextDir}/wheels/${sub}/${wheel.filename}`,
      sha256: wheel.sha256,
    })),
    requirements: { path: `${contextDir}/wheels/${sub}/requirements.txt`, text: pinnedRequirements(wheels) },
  });
  const deps = place("deps", inputs.contents.dependencies);
  const app = place("app", [inputs.contents.app]);
  const copies = [...deps.copies, ...app.copies];
  // As root, with no network: every file can be seen, and nothing leaves the machine.
  const check: OneOffSpec = {
    image: candidate,
    argv: ["-c", RELEASE_CHECK_SCRIPT],
    entrypoint: "sh",
    user: "0",
    network: "none",
    labels: {},
  };
  const sbom = sbomPlan(inputs);
  const steps = releaseSteps(inputs, copies, [deps.requirements, app.requirements], check, sbom);
  return {
    version: 1,
    command: inputs.command,
    warnings: inputs.image.warnings,
    steps,
    contextDir,
    releaseFolder: inputs.releaseFolder,
    copies,
    requirements: [deps.requirements, app.requirements],
    image: inputs.image,
    candidate,
    check,
    sbom,
    finalTags: inputs.finalTags,
    contents: inputs.contents,
  };
}

function sbomPlan(inputs: ReleaseInputs): ReleaseSbomPlan {
  const contextDir = inputs.sbomContextDir;
  return {
    contextDir,
    file: `${contextDir}/${SBOM_FILE}`,
    basis: inputs.sbomBasis,
    spec: {
      contextDir,
      dockerfile: `${contextDir}/Dockerfile`,
      // The candidate tag moves to the image with the SBOM: the steps after it are the same either way.
      tags: [inputs.candidate],
      buildArgs: {},
      // In the Dockerfile (its sha256 is known only once the SBOM is written), for every engine.
      labels: {},
      network: "none",
      // COPY and LABEL need nothing of BuildKit.
      builder: "legacy",
    },
  };
}

function releaseSteps(
  inputs: ReleaseInputs,
  copies: readonly WheelCopy[],
  requirements: readonly { path: string; text: string }[],
  check: OneOffSpec,
  sbom: ReleaseSbomPlan,
): PrintableStep[] {
  const { contextDir, binary, candidate } = inputs;
  return [
    {
      id: "context",
      title: `make the build context: ${inputs.releaseFolder} and ${copies.length} runtime ${copies.length === 1 ? "wheel" : "wheels"} (each hash checked)`,
      shell: [
        ["mkdir", "-p", `${contextDir}/wheels/deps`, `${contextDir}/wheels/app`],
        ["cp", "-R", `${inputs.releaseFolder}/.`, contextDir],
        ...copies.map((copy) => ["cp", copy.from, copy.to]),
      ],
    },
    { id: "deps-requirements", title: "pin the dependencies by hash", writes: requirements[0]! },
    { id: "app-requirements", title: "pin the application by hash", writes: requirements[1]! },
    {
      id: "context-times",
      title: "fix the wheels' times, so unchanged dependencies keep their cached layer",
      shell: [["find", `${contextDir}/wheels`, "-exec", "touch", "-h", "-d", "@0", "{}", "+"]],
    },
    ...inputs.image.steps,
    { id: "check", title: "check the release image", command: oneOffCommand(binary, check) },
    {
      id: "sbom",
      title: "write the SBOM: the runtime wheels, and the Debian packages the check read from dpkg's status",
      note: `${sbom.file}, and ${sbom.spec.dockerfile}: FROM ${candidate}, COPY ${SBOM_FILE} ${SBOM_IMAGE_PATH}, LABEL ${LABEL_SBOM}=${SBOM_IMAGE_PATH} ${LABEL_SBOM_SHA256}=<its sha256>`,
    },
    {
      id: "sbom-image",
      title: `add the SBOM to the release image at ${SBOM_IMAGE_PATH} (under the candidate tag)`,
      command: imageBuildCommand(binary, sbom.spec),
    },
    ...inputs.finalTags.map((tag) => ({
      id: `tag:${tag}`,
      title: `tag ${tag}`,
      command: tagCommand(binary, candidate, tag),
    })),
    {
      id: "untag-candidate",
      title: "remove the candidate tag",
      command: removeImageCommand(binary, candidate),
      note: "then the release images these tags named before are removed, where no tag names them any more",
    },
  ];
}

/** The release image's build step of the plan. */
export function releaseBuildStep(plan: ReleasePlan): ImageBuildStep {
  return plan.image.steps[plan.image.steps.length - 1]!;
}
