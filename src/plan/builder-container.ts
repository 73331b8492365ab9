// The builder container as planned values: its spec, the folders it works in, and the command lines
// of each thing done with it. The container sandbox takes these same values, so the plan printed by
// `--dry-run` is what runs.
import {
  builderRunCommand,
  type ContainerSpec,
  copyInCommand,
  copyOutCommand,
  type EngineBinary,
  type ExecSpec,
  execCommand,
  type Mount,
  type NetworkMode,
  pauseCommand,
  removeContainersCommand,
  volumeCreateCommand,
} from "../domain/engine-commands.js";
import type { PrintableStep } from "./plan.js";

/** Where things live inside the builder. */
export const BUILDER_PATHS = {
  root: "/wheelwright",
  source: "/wheelwright/src",
  /** The handoff folder: only what the host copies out (the wheels and the report). */
  out: "/wheelwright/out",
  /** Scratch for builds (fixed build paths live under it). */
  work: "/wheelwright/work",
  bin: "/wheelwright/bin",
  wheels: "/wheelwright/wheels",
  /** The builder's own temporary home (a netrc with index credentials goes here). */
  home: "/wheelwright/home",
  /** Requests and other inputs the host hands over as files (never argv). */
  input: "/wheelwright/input",
  cache: "/cache",
} as const;

export interface BuilderContainerInputs {
  name: string;
  image: string;
  labels: Readonly<Record<string, string>>;
  network: NetworkMode;
  cacheVolume: string;
  /** Host folders the builder must read (file:// indexes, find-links), mounted read-only at the same path. */
  readOnlyHostDirs: readonly string[];
  /**
   * The image's VOLUME paths. Each gets a tmpfs: otherwise the engine makes an anonymous volume
   * there, which `--rm` removes with the container but which outlives it when the engine is killed
   * (issue 8); nothing the build keeps is written there.
   */
  imageVolumes: readonly string[];
  memory?: string;
  hostname?: string;
}

export function builderContainerSpec(inputs: BuilderContainerInputs): ContainerSpec {
  const mounts: Mount[] = [
    { kind: "volume", source: inputs.cacheVolume, target: BUILDER_PATHS.cache, readOnly: false },
    ...inputs.readOnlyHostDirs.map((dir) => ({
      kind: "bind" as const,
      source: dir,
      target: dir,
      readOnly: true,
    })),
  ];
  for (const target of inputs.imageVolumes) {
    if (!mounts.some((mount) => mount.target === target))
      mounts.push({ kind: "tmpfs", source: "", target, readOnly: false });
  }
  const p = BUILDER_PATHS;
  return {
    name: inputs.name,
    image: inputs.image,
    labels: inputs.labels,
    network: inputs.network,
    mounts,
    makeDirs: [p.source, p.out, p.work, p.bin, p.wheels, p.home, p.input],
    workRoot: p.root,
    ...(inputs.memory === undefined ? {} : { memory: inputs.memory }),
    ...(inputs.hostname === undefined ? {} : { hostname: inputs.hostname }),
  };
}

/** The cache volume's step: made (with the builder's labels) when the engine does not have it yet. */
function cacheVolumeSteps(binary: EngineBinary, spec: ContainerSpec, missing: boolean): PrintableStep[] {
  const cache = spec.mounts.find((mount) => mount.kind === "volume" && mount.target === BUILDER_PATHS.cache);
  if (cache === undefined || !missing) return [];
  return [
    {
      id: "cache-volume",
      title: `make the cache volume ${cache.source}`,
      command: volumeCreateCommand(binary, cache.source, spec.labels),
    },
  ];
}

/**
 * The steps of a builder session as printed: the cache volume when missing, start, copies in (the
 * helper package first: the sandbox starts its copy as soon as the builder runs), the commands run,
 * copy out, removal.
 */
export function builderSessionSteps(
  binary: EngineBinary,
  spec: ContainerSpec,
  session: {
    /** Whether the engine lacks the cache volume (the session makes it first). */
    cacheVolumeMissing: boolean;
    copiesIn: readonly { dir: string; what: string }[];
    execs: readonly { id: string; title: string; spec: ExecSpec }[];
    copyOut?: { from: string; what: string };
  },
): PrintableStep[] {
  return [
    ...cacheVolumeSteps(binary, spec, session.cacheVolumeMissing),
    {
      id: "builder",
      title: `start the builder ${spec.name} (${spec.image}); it goes away by itself if wheelwright dies`,
      command: builderRunCommand(binary, spec),
      stdin: "kept open by wheelwright: its end ends the container",
    },
    ...session.copiesIn.map((copy) => ({
      id: `copy-in:${copy.dir}`,
      title: `copy ${copy.what} in`,
      command: copyInCommand(binary, spec.name, copy.dir),
      stdin: `a tar of ${copy.what}`,
    })),
    ...session.execs.map((exec) => ({
      id: exec.id,
      title: exec.title,
      command: execCommand(binary, exec.spec),
    })),
    ...(session.copyOut === undefined
      ? []
      : [
          {
            id: "pause",
            title: "freeze every process in the builder before its output is read",
            command: pauseCommand(binary, spec.name),
          },
          {
            id: "copy-out",
            title: `copy ${session.copyOut.what} out`,
            command: copyOutCommand(binary, spec.name, session.copyOut.from),
            stdout:
              "checked entry by entry on the host (plain wheel names, regular files, size caps) into the staging folder",
          },
        ]),
    {
      id: "remove-builder",
      title: "remove the builder",
      command: removeContainersCommand(binary, [spec.name]),
    },
  ];
}
