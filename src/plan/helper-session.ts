// The builder helper's run as planned values: its request (a file, never argv), the environment it
// runs with, its argv, and (for a container) the command lines of the whole builder session, so
// `build --dry-run` prints what runs.
import type { ContainerSpec, EngineBinary, ExecSpec } from "../domain/engine-commands.js";
import type { HelperRequest } from "../domain/helper-request.js";
import type { IndexSettings } from "../domain/index-settings.js";
import { builderSessionSteps } from "./builder-container.js";
import type { PrintableStep } from "./plan.js";

export interface HelperPaths {
  source: string;
  out: string;
  work: string;
  bin: string;
  home: string;
  input: string;
  cache: string;
}

export interface HelperInputs {
  paths: HelperPaths;
  python: string;
  /** Credentials already moved out (into the netrc). */
  index: IndexSettings;
  expectName: string | undefined;
  extras: readonly string[];
  groups: readonly string[];
  requirements: readonly string[];
  lock: HelperRequest["lock"];
  appOnly: boolean;
  freshBuildEnv: boolean;
  jobs: number;
  sourceDateEpoch: number | undefined;
  staticRequires: readonly string[] | undefined;
  /** Wheels from the registry cache, by the sha256 of the sdist each was built from (issue 13). */
  sdistWheels?: HelperRequest["sdistWheels"];
  /** Wheels the host holds: the helper hands over none of these bytes again. */
  hostWheels?: HelperRequest["hostWheels"];
  /** Local index folders the host reads too: wheels fetched from them are read there, not copied out. */
  hostFolders?: HelperRequest["hostFolders"];
  /** More environment for the helper and the backends it runs (e.g. SETUPTOOLS_SCM_PRETEND_VERSION). */
  env?: Readonly<Record<string, string>>;
}

export interface HelperInvocation {
  request: HelperRequest;
  requestFile: string;
  netrcFile: string;
  argv: string[];
  env: Record<string, string>;
}

export function planHelper(inputs: HelperInputs): HelperInvocation {
  const { paths } = inputs;
  const request: HelperRequest = {
    version: 1,
    source: paths.source,
    out: paths.out,
    work: paths.work,
    cache: paths.cache,
    expectName: inputs.expectName ?? null,
    extras: [...inputs.extras],
    groups: [...inputs.groups],
    requirements: [...inputs.requirements],
    lock: inputs.lock,
    appOnly: inputs.appOnly,
    freshBuildEnv: inputs.freshBuildEnv,
    index: {
      indexUrl: inputs.index.indexUrl ?? null,
      extraIndexUrls: [...inputs.index.extraIndexUrls],
      findLinks: [...inputs.index.findLinks],
      ...(inputs.index.noIndex ? { noIndex: true } : {}),
    },
    jobs: inputs.jobs,
    sourceDateEpoch: inputs.sourceDateEpoch ?? null,
    staticRequires: inputs.staticRequires === undefined ? null : [...inputs.staticRequires],
    ...(inputs.sdistWheels === undefined || inputs.sdistWheels.wheels.length === 0
      ? {}
      : { sdistWheels: inputs.sdistWheels }),
    ...(inputs.hostWheels === undefined || inputs.hostWheels.length === 0
      ? {}
      : { hostWheels: inputs.hostWheels }),
    ...(inputs.hostFolders === undefined || inputs.hostFolders.length === 0
      ? {}
      : { hostFolders: inputs.hostFolders }),
  };
  const requestFile = `${paths.input}/request.json`;
  return {
    request,
    requestFile,
    netrcFile: `${paths.home}/.netrc`,
    argv: [inputs.python, "-m", "wheelwright_helper", "build", "--request", requestFile],
    env: {
      PYTHONPATH: paths.bin,
      // The builder's own home, so pip reads only the netrc written for this run.
      HOME: paths.home,
      NETRC: `${paths.home}/.netrc`,
      PYTHONDONTWRITEBYTECODE: "1",
      PYTHONHASHSEED: "0",
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
      PIP_NO_INPUT: "1",
      ...inputs.env,
    },
  };
}

/**
 * The container session's steps as printed by `build --dry-run`, in the order the session runs
 * them: one copy of the helper package, the source, the netrc (when there are credentials) and the
 * request, then the helper's run.
 */
export function helperSessionSteps(
  binary: EngineBinary,
  spec: ContainerSpec,
  helper: HelperInvocation,
  facts: { sourceFiles: number; credentials: number; cacheVolumeMissing: boolean },
): PrintableStep[] {
  const exec: ExecSpec = {
    container: spec.name,
    argv: helper.argv,
    env: helper.env,
    workdir: helper.request.work,
  };
  const steps = builderSessionSteps(binary, spec, {
    cacheVolumeMissing: facts.cacheVolumeMissing,
    // One copy: the inputs go in as one archive into the folder they are all in (container-sandbox.ts).
    copiesIn: [
      {
        dir: parentOf(helper.env.PYTHONPATH!),
        what: [
          "the helper package (wheelwright_helper)",
          `the source (${facts.sourceFiles} files)`,
          ...(facts.credentials > 0
            ? [`a netrc with ${facts.credentials} index credential(s) (mode 0600)`]
            : []),
          "the request (request.json, below)",
        ].join(", "),
      },
    ],
    execs: [{ id: "helper", title: "run the helper: the app's wheel, then every dependency's", spec: exec }],
    copyOut: { from: helper.request.out, what: "the wheels and the report" },
  });
  const copyIn = `copy-in:${parentOf(helper.env.PYTHONPATH!)}`;
  return steps.map((step) =>
    step.id === copyIn ? { ...step, note: JSON.stringify(helper.request, null, 2) } : step,
  );
}

const parentOf = (dir: string) => dir.replace(/\/[^/]*$/, "");
