// Pure planning of `wheelwright clean`: only what wheelwright made is removed. In the wheelhouse,
// the files its manifest lists and the files wheelwright writes beside them; anything else stays
// unless --force. Beside it, staging and retired folders of earlier runs. On the engine, this
// project's containers, dangling images and release candidate tags (found by label and name); with
// --all also its cache volume and result store.
import {
  type EngineBinary,
  removeContainersCommand,
  removeImageCommand,
  removeVolumeCommand,
} from "../domain/engine-commands.js";
import type { PrintablePlan, PrintableStep } from "./plan.js";

export interface CleanFacts {
  binary: EngineBinary;
  wheelhouseDir: string;
  /** Names of the files in the wheelhouse (undefined: there is no wheelhouse folder). */
  wheelhouseFiles: readonly string[] | undefined;
  /** The files wheelwright wrote there: the manifest's wheels and its own files. */
  ownFiles: ReadonlySet<string>;
  /** Staging and retired folders of earlier runs beside the wheelhouse (absolute). */
  leftovers: readonly string[];
  force: boolean;
  all: boolean;
  /** Engine facts (undefined: no container engine answered, only local files are cleaned). */
  engine?: {
    containers: readonly string[];
    danglingImages: readonly string[];
    candidateTags: readonly string[];
    /** The cache volume when it exists. */
    volume: string | undefined;
  };
  /** The result store folder when it exists. */
  store: string | undefined;
}

export interface CleanPlan extends PrintablePlan {
  readonly removeFiles: readonly string[];
  /** The wheelhouse folder itself goes too (it is left empty, or --force). */
  readonly removeWheelhouse: boolean;
  readonly removeFolders: readonly string[];
  readonly kept: readonly string[];
  readonly containers: readonly string[];
  readonly images: readonly string[];
  readonly candidateTags: readonly string[];
  readonly volume: string | undefined;
  readonly store: string | undefined;
}

export function planClean(facts: CleanFacts): CleanPlan {
  const files = facts.wheelhouseFiles ?? [];
  const own = files.filter((name) => facts.ownFiles.has(name));
  const kept = facts.force ? [] : files.filter((name) => !facts.ownFiles.has(name));
  const removeFiles = (facts.force ? files : own).map((name) => `${facts.wheelhouseDir}/${name}`);
  const removeWheelhouse = facts.wheelhouseFiles !== undefined && kept.length === 0;
  const engine = facts.engine;
  const store = facts.all ? facts.store : undefined;
  const volume = facts.all ? engine?.volume : undefined;
  const steps = cleanSteps(facts, removeFiles, removeWheelhouse, volume, store);
  return {
    version: 1,
    command: `clean${facts.all ? " --all" : ""}${facts.force ? " --force" : ""}`,
    decision: steps.length === 0 ? "nothing to clean" : undefined,
    warnings: [
      ...(kept.length > 0
        ? [
            `kept ${kept.length} file(s) in the wheelhouse that wheelwright did not write: ${kept.slice(0, 5).join(", ")}${kept.length > 5 ? ", ..." : ""} (--force removes them)`,
          ]
        : []),
      ...(engine === undefined ? ["no container engine answered: only local files are cleaned"] : []),
    ],
    steps,
    removeFiles,
    removeWheelhouse,
    removeFolders: facts.leftovers,
    kept,
    containers: engine?.containers ?? [],
    images: engine?.danglingImages ?? [],
    candidateTags: engine?.candidateTags ?? [],
    volume,
    store,
  };
}

function cleanSteps(
  facts: CleanFacts,
  removeFiles: readonly string[],
  removeWheelhouse: boolean,
  volume: string | undefined,
  store: string | undefined,
): PrintableStep[] {
  const engine = facts.engine;
  const steps: PrintableStep[] = [];
  if (removeFiles.length > 0 || removeWheelhouse) {
    steps.push({
      id: "wheelhouse",
      title: `remove the wheelhouse's ${removeFiles.length} file(s)${removeWheelhouse ? " and its folder" : ""}`,
      shell: [
        ...(removeFiles.length > 0 ? [["rm", "-f", ...removeFiles]] : []),
        ...(removeWheelhouse ? [["rmdir", facts.wheelhouseDir]] : []),
      ],
    });
  }
  if (facts.leftovers.length > 0)
    steps.push({
      id: "leftovers",
      title: "remove earlier runs' staging folders",
      shell: [["rm", "-rf", ...facts.leftovers]],
    });
  if (engine !== undefined && engine.containers.length > 0)
    steps.push({
      id: "containers",
      title: `remove ${engine.containers.length} container(s)`,
      command: removeContainersCommand(facts.binary, engine.containers),
    });
  for (const [kind, list] of [
    ["dangling image", engine?.danglingImages ?? []],
    ["candidate tag", engine?.candidateTags ?? []],
  ] as const) {
    for (const reference of list)
      steps.push({
        id: `image:${reference}`,
        title: `remove the ${kind} ${reference}`,
        command: removeImageCommand(facts.binary, reference),
      });
  }
  if (volume !== undefined)
    steps.push({
      id: "volume",
      title: `remove the cache volume ${volume}`,
      command: removeVolumeCommand(facts.binary, volume),
    });
  if (store !== undefined)
    steps.push({ id: "store", title: "remove the result store", shell: [["rm", "-rf", store]] });
  return steps;
}
