// Where wheelwright's own arguments end and a command's (for `build --`, `test --`, `run`) begin.
const BOOLEAN_GLOBALS = new Set(["--json", "-v", "--verbose"]);

/**
 * Splits the command line into wheelwright's own words and the command's: after the first `--`, or
 * right after `run` (everything after `run` is the command to run, options included:
 * `wheelwright run id -u`). `run` is the subcommand only where it is not an option's value.
 * `--target NAME` right after `run` is still wheelwright's: it names the target's release image.
 */
export function splitCommandLine(argv: string[]): { own: string[]; command: string[] | undefined } {
  const dashes = argv.indexOf("--");
  const end = dashes === -1 ? argv.length : dashes;
  for (let index = 0; index < end; index++) {
    const word = argv[index]!;
    if (!word.startsWith("-")) {
      // The first word that is not an option or an option's value is the subcommand.
      if (word === "run") {
        let next = index + 1;
        while (argv[next] === "--target" || argv[next]?.startsWith("--target=") === true)
          next += argv[next] === "--target" ? 2 : 1;
        const dashed = argv[next] === "--";
        return { own: argv.slice(0, next), command: argv.slice(dashed ? next + 1 : next) };
      }
      break;
    }
    if (!word.includes("=") && !BOOLEAN_GLOBALS.has(word)) index++; // skip the option's value
  }
  return dashes === -1
    ? { own: argv, command: undefined }
    : { own: argv.slice(0, dashes), command: argv.slice(dashes + 1) };
}
