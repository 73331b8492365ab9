// Where the job summary goes: the file GitHub Actions names in GITHUB_STEP_SUMMARY (appended to,
// as GitHub expects: earlier steps of the job wrote theirs there too).
import { appendFileSync } from "node:fs";

/**
 * On GitHub Actions, the job summary file the runner names: the run's Markdown is appended to it.
 * A summary that cannot be written is a warning, never the run's failure.
 */
export function summaryAppender(
  env: Readonly<Record<string, string | undefined>>,
  write: (text: string) => void,
  append: (file: string, text: string) => void = appendFileSync,
): ((markdown: string) => void) | undefined {
  const file = env.GITHUB_STEP_SUMMARY;
  if (env.GITHUB_ACTIONS !== "true" || file === undefined || file === "") return undefined;
  return (markdown) => {
    try {
      append(file, markdown);
    } catch (error) {
      write(`warning: the job summary could not be written to ${file}: ${(error as Error).message}\n`);
    }
  };
}
