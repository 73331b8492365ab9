// Just enough Dockerfile reading to order image builds: the FROM lines and the ARGs they use.

export interface FromLine {
  /** The image as written, e.g. `${BASE_IMAGE}` or `debian:bookworm-slim`. */
  image: string;
  /** The stage name after `AS`, if any. */
  stage: string | undefined;
  line: number;
}

export interface DockerfileFacts {
  froms: FromLine[];
  /** ARGs declared before the first FROM, with their defaults (undefined when none). */
  globalArgs: Map<string, string | undefined>;
}

/** Joins continuation lines and drops comments, keeping the 1-based line number of each instruction. */
function instructions(text: string): { line: number; text: string }[] {
  const result: { line: number; text: string }[] = [];
  let current = "";
  let start = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (current === "" && (trimmed === "" || trimmed.startsWith("#"))) return;
    if (current === "") start = index + 1;
    if (trimmed.endsWith("\\")) {
      current += `${trimmed.slice(0, -1)} `;
      return;
    }
    current += trimmed;
    result.push({ line: start, text: current });
    current = "";
  });
  if (current !== "") result.push({ line: start, text: current });
  return result;
}

export function readDockerfile(text: string): DockerfileFacts {
  const froms: FromLine[] = [];
  const globalArgs = new Map<string, string | undefined>();
  for (const { line, text: instruction } of instructions(text)) {
    const [keyword = "", ...rest] = instruction.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === "ARG" && froms.length === 0) {
      for (const declaration of rest) {
        const eq = declaration.indexOf("=");
        if (eq === -1) globalArgs.set(declaration, undefined);
        else globalArgs.set(declaration.slice(0, eq), declaration.slice(eq + 1).replace(/^["']|["']$/g, ""));
      }
    } else if (upper === "FROM") {
      const words = rest.filter((word) => !word.startsWith("--"));
      const asIndex = words.findIndex((word) => word.toUpperCase() === "AS");
      froms.push({ image: words[0] ?? "", stage: asIndex === -1 ? undefined : words[asIndex + 1], line });
    }
  }
  return { froms, globalArgs };
}

/** The ARG a FROM image refers to: `${BASE_IMAGE}` or `$BASE_IMAGE` -> `BASE_IMAGE`. */
export function argReference(image: string): string | undefined {
  const match = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(image);
  return match?.[1];
}
