// The README's runnable shell blocks: a ```sh block right after a `<!-- runnable -->` line is run
// by the e2e tier, in README order, from the root of a scratch copy of the repository. The marker
// may name output lines the block must print: `<!-- runnable expect="up to date" expect="ok" -->`.

export interface RunnableBlock {
  /** 1-based line of the marker in the README, for messages. */
  line: number;
  script: string;
  expect: string[];
}

const MARKER = /^<!--\s*runnable\b(.*?)-->\s*$/;

export function runnableBlocks(markdown: string): RunnableBlock[] {
  const lines = markdown.split("\n");
  const blocks: RunnableBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const marker = MARKER.exec(lines[index]!);
    if (marker === null) continue;
    if (lines[index + 1]?.trim() !== "```sh") {
      throw new Error(`README line ${index + 1}: a runnable marker must be followed by a \`\`\`sh block`);
    }
    const end = lines.findIndex((line, at) => at > index + 1 && line.trim() === "```");
    if (end === -1) throw new Error(`README line ${index + 1}: the runnable block is not closed`);
    blocks.push({
      line: index + 1,
      script: lines.slice(index + 2, end).join("\n"),
      expect: [...marker[1]!.matchAll(/expect="([^"]*)"/g)].map((match) => match[1]!),
    });
    index = end;
  }
  return blocks;
}
