// Which Dockerfile step an image build is on, read from the engine's own output lines: the legacy
// builder's `Step 3/7 : RUN ...`, BuildKit's plain progress `#5 [2/4] RUN ...` (with the stage's
// name in multi-stage builds: `#9 [builder 3/5] COPY ...`) and buildah's (podman's) `STEP 3/7: RUN ...`.

export interface BuildStepLine {
  /** 1-based position of the step in its stage. */
  step: number;
  total: number;
  /** The stage's name (BuildKit names the stage of a multi-stage build); undefined otherwise. */
  stage: string | undefined;
  instruction: string;
}

const LEGACY = /^Step (\d+)\/(\d+) : (.+)$/;
const BUILDKIT = /^#\d+ \[(?:(\S+) )?(\d+)\/(\d+)\] (.+)$/;
const BUILDAH = /^STEP (\d+)\/(\d+): (.+)$/;

export function parseBuildStepLine(line: string): BuildStepLine | undefined {
  const text = line.trimEnd();
  const legacy = LEGACY.exec(text) ?? BUILDAH.exec(text);
  if (legacy !== null)
    return { step: Number(legacy[1]), total: Number(legacy[2]), stage: undefined, instruction: legacy[3]! };
  const buildkit = BUILDKIT.exec(text);
  if (buildkit === null) return undefined;
  return {
    step: Number(buildkit[2]),
    total: Number(buildkit[3]),
    stage: buildkit[1],
    instruction: buildkit[4]!,
  };
}

/** A log line, not a Dockerfile: a long instruction (wheelwright's own LABEL line) is cut. */
const MAX_INSTRUCTION = 100;

/** How a step reads on a progress line: `step 3/7: RUN pip install ...` (`builder 3/5` in a stage). */
export function describeBuildStep(step: BuildStepLine): string {
  const where = step.stage === undefined ? "step" : step.stage;
  const instruction =
    step.instruction.length > MAX_INSTRUCTION
      ? `${step.instruction.slice(0, MAX_INSTRUCTION - 1)}…`
      : step.instruction;
  return `${where} ${step.step}/${step.total}: ${instruction}`;
}
