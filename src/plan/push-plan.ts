// Pure planning of `wheelwright push`: which references go to the registry (this commit's release
// image, its version tag and each TAG; with --all-images the project's other images too), the tags
// given first, the login (password on stdin, into a temporary engine config), and the digest checks.
import {
  type EngineBinary,
  loginCommand,
  oneOffCommand,
  pushCommand,
  remoteDigestCommand,
  tagCommand,
} from "../domain/engine-commands.js";
import { imageContentsSpec } from "../domain/image-contents.js";
import { isLoopbackRegistry, registryOf } from "../domain/registry.js";
import type { PrintablePlan, PrintableStep } from "./plan.js";

export interface PushPlan extends PrintablePlan {
  /** The registry host, "" for the engine's default. */
  readonly registry: string;
  /** This commit's release image (`repo:<sha>`). */
  readonly release: string;
  /** Tags given before the push: source -> target. */
  readonly tags: readonly { readonly source: string; readonly target: string }[];
  readonly references: readonly string[];
  /** The user name to log in with (the password comes on stdin); undefined: the engine's own login. */
  readonly username: string | undefined;
  /** The temporary engine config folder the login goes into (removed after the push). */
  readonly configDir: string | undefined;
  readonly insecure: boolean;
  /** Images that must exist before anything is pushed. */
  readonly required: readonly string[];
  /** Provenance attached to the pushed release image (issue 13): off, on (a refusal warns), required. */
  readonly provenance: "off" | "on" | "required";
  /** This run's id: the provenance's invocation id. */
  readonly runId: string;
}

export interface PushInputs {
  binary: EngineBinary;
  /** The release repository and this commit's tag, e.g. `127.0.0.1:5000/acme/polls-release` and `abc123`. */
  releaseRepository: string;
  primaryTag: string;
  versionTag: string;
  extraTags: readonly string[];
  /** Repositories of the project's other images (with --all-images). */
  otherRepositories: readonly string[];
  username: string | undefined;
  configDir: string | undefined;
  command: string;
  provenance: "off" | "on" | "required";
  runId: string;
}

export function planPush(inputs: PushInputs): PushPlan {
  const { binary, releaseRepository: repository, primaryTag } = inputs;
  const release = `${repository}:${primaryTag}`;
  const registry = registryOf(repository) ?? "";
  const tags = [...new Set([inputs.versionTag, ...inputs.extraTags])]
    .filter((tag) => tag !== primaryTag)
    .map((tag) => ({ source: release, target: `${repository}:${tag}` }));
  const others = inputs.otherRepositories.flatMap((other) => [
    `${other}:${primaryTag}`,
    `${other}:${inputs.versionTag}`,
  ]);
  const references = [...new Set([release, ...tags.map((t) => t.target), ...others])];
  const insecure = isLoopbackRegistry(registry);
  const configDir = inputs.username === undefined ? undefined : inputs.configDir;
  const steps: PrintableStep[] = [
    ...tags.map((tag) => ({
      id: `tag:${tag.target}`,
      title: `tag ${tag.target}`,
      command: tagCommand(binary, tag.source, tag.target),
    })),
    ...loginSteps(binary, registry, inputs.username, configDir),
    ...references.flatMap((reference) => [
      {
        id: `push:${reference}`,
        title: `push ${reference}`,
        command: pushCommand(binary, reference, configDir),
      },
      {
        id: `digest:${reference}`,
        title: `check that the registry holds the digest pushed for ${reference}`,
        command: remoteDigestCommand(binary, reference, insecure, configDir),
      },
    ]),
    ...provenanceSteps(inputs, release),
  ];
  return {
    version: 1,
    command: inputs.command,
    warnings: [],
    steps,
    registry,
    release,
    tags,
    references,
    username: inputs.username,
    configDir,
    insecure,
    required: [release, ...inputs.otherRepositories.map((other) => `${other}:${primaryTag}`)],
    provenance: inputs.provenance,
    runId: inputs.runId,
  };
}

/**
 * The provenance step (issue 13): one container of the release image lists its Python
 * distributions (the command printed); the rest goes through the registry's API on the host.
 */
function provenanceSteps(inputs: PushInputs, release: string): PrintableStep[] {
  if (inputs.provenance === "off") return [];
  const repository = inputs.releaseRepository;
  return [
    {
      id: `provenance:${repository}`,
      title: `attach provenance to ${release} (in-toto SLSA v1${inputs.provenance === "required" ? ", required" : ""})`,
      command: oneOffCommand(inputs.binary, imageContentsSpec(release, inputs.runId)),
      stdout: "the image's installed Python distributions (recorded beside the wheels)",
      note: `then, through the registry's API with the engine's login: the statement as a blob, an OCI artefact manifest whose subject is the pushed image, and the referrers index ${repository}:sha256-<digest of the pushed image>`,
    },
  ];
}

/** The login into a temporary engine config, when a user name was given (the password on stdin). */
function loginSteps(
  binary: EngineBinary,
  registry: string,
  username: string | undefined,
  configDir: string | undefined,
): PrintableStep[] {
  if (username === undefined) return [];
  return [
    {
      id: "login",
      title: `log in to ${registry || "the default registry"} as ${username} (a temporary engine config, removed afterwards)`,
      command: loginCommand(binary, registry, username, configDir),
      stdin: "the password read from wheelwright's stdin",
    },
  ];
}
