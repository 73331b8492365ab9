// The command line: commander definitions only; each command's work lives in commands/, loaded
// when the command runs, so `--version`, `--help` and a no-op build start fast.
import { Command, Option } from "commander";
import { CONFIG_KEYS, type ConfigKey, ENGINES, NETWORK_MODES } from "../config/schema.js";
import type { Session } from "./session.js";

/** Config flags: one more layer of config, named after the keys (`version` is `--image-version`). */
const CONFIG_FLAGS: {
  key: ConfigKey;
  flag: string;
  choices?: readonly string[];
  list?: boolean;
  number?: boolean;
}[] = [
  { key: "namespace", flag: "--namespace <ns>" },
  { key: "app", flag: "--app <name>" },
  { key: "version", flag: "--image-version <tag>" },
  { key: "images", flag: "--images <folder>" },
  { key: "source", flag: "--source <folder>" },
  { key: "wheelhouse", flag: "--wheelhouse <folder>" },
  { key: "engine", flag: "--engine <engine>", choices: ENGINES },
  { key: "network", flag: "--network <mode>", choices: NETWORK_MODES },
  { key: "index-url", flag: "--index-url <url>" },
  { key: "extra-index-urls", flag: "--extra-index-url <url>", list: true },
  { key: "find-links", flag: "--find-links <url>", list: true },
  { key: "timeout", flag: "--timeout <seconds>", number: true },
];

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function optionName(flag: string): string {
  return flag
    .replace(/^--/, "")
    .split(" ")[0]!
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function createProgram(
  version: string,
  makeSession: (globals: Record<string, unknown>) => Session,
): Command {
  const program = new Command("wheelwright")
    .description(
      "Build a Python application's wheelhouse in a builder image, and a release image from those wheels alone.",
    )
    .version(version, "-V, --version")
    .option("-C, --cwd <folder>", "project folder (holding pyproject.toml or wheelwright.toml)", ".")
    .option("--json", "machine-readable output: results as JSON on stdout, events as NDJSON on stderr", false)
    .option("-v, --verbose", "show the full output of image builds and pip", false)
    .showHelpAfterError("(run `wheelwright --help` for usage)")
    // Set before the subcommands are added: they copy it, so their parse errors reach main.ts too.
    .exitOverride()
    .configureHelp({ showGlobalOptions: true });
  for (const spec of CONFIG_FLAGS) {
    // The default is shown in the text, not given to commander: a commander default would look
    // like a flag the user passed, and beat the config file.
    const fallback = CONFIG_KEYS[spec.key].default;
    const option = new Option(
      spec.flag,
      `${CONFIG_KEYS[spec.key].describe}${fallback === undefined || fallback === "" ? "" : ` [default: ${String(fallback)}]`}`,
    );

    if (spec.choices) option.choices([...spec.choices]);
    if (spec.list)
      option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    if (spec.number) option.argParser((value: string) => (/^\d+$/.test(value) ? Number(value) : value));
    program.addOption(option);
  }
  const session = (command: Command) => {
    const globals = command.optsWithGlobals();
    const flags: Partial<Record<ConfigKey, unknown>> = {};
    for (const spec of CONFIG_FLAGS) {
      const value = globals[optionName(spec.flag)];
      if (value !== undefined) flags[spec.key] = value;
    }
    return makeSession({ ...globals, flags });
  };

  program
    .command("image")
    .description(
      "build an image folder's Dockerfile and tag it NS/APP-<folder>:<git sha> and :<version> (the seed's `make image`)",
    )
    .argument("[folder...]", "image folder (e.g. docker/builder), then optionally the build context folder")
    .option("--all", "build every image folder except the release one, in the order their FROM lines require")
    .option("-n, --dry-run", "print the engine commands and run nothing")
    .action(async (folders: string[], options: { all?: boolean; dryRun?: boolean }, command: Command) => {
      const { imageCommand } = await import("./commands/image.js");
      await imageCommand(session(command), folders, options);
    });

  program
    .command("build")
    .description(
      "build the wheelhouse: the app's wheel and every dependency's, plus the named extras (the seed's `make build [test]`); `build -- CMD` runs CMD in the builder",
    )
    .argument("[extras...]", "extras to include (e.g. test)")
    .option("-g, --group <name>", "include a PEP 735 dependency group (repeatable)", collect)
    .option("-r, --requirement <file>", "include a requirements file (repeatable)", collect)
    .option("-f, --force", "rebuild every wheel even when the inputs are unchanged")
    .action(
      async (
        extras: string[],
        options: { group?: string[]; requirement?: string[]; force?: boolean },
        command: Command,
      ) => {
        const current = session(command);
        const { buildCommand } = await import("./commands/build.js");
        await buildCommand(current, extras, options, current.passthrough);
      },
    );

  program
    .command("test")
    .description(
      "install the app with its test extra from the wheelhouse only, in a fresh builder (or docker/dev) container, and run the test command from outside the source (the seed's `make test`); `test -- CMD` runs CMD instead",
    )
    .option("--junit-xml <file>", "write the JUnit XML report of pytest to this host path")
    .action(async (options: { junitXml?: string }, command: Command) => {
      const current = session(command);
      const { testCommand } = await import("./commands/test.js");
      await testCommand(current, current.passthrough, options);
    });

  program
    .command("release")
    .description(
      "build the release image from the base image and the runtime wheels alone, check it, then tag it :<sha>, :<version> and each TAG (the seed's `make release`)",
    )
    .argument("[tags...]", "extra tags for the release image")
    .option("-n, --dry-run", "print the plan (the exact engine commands) and run nothing")
    .action(async (tags: string[], options: { dryRun?: boolean }, command: Command) => {
      const { releaseCommand } = await import("./commands/release.js");
      await releaseCommand(session(command), tags, options);
    });

  program
    .command("run")
    .description(
      "run a command in this commit's release image; the container is removed afterwards and the command's exit code is wheelwright's (the seed's `make run`)",
    )
    .argument("[command...]", "the command (put it after `--` when it has options: run -- python -c '...')")
    .action(async (words: string[], _options: unknown, command: Command) => {
      const current = session(command);
      const { runCommand } = await import("./commands/run.js");
      await runCommand(current, current.passthrough ?? words);
    });

  program
    .command("clean")
    .description(
      "remove the wheelhouse, this project's containers and dangling images; --all also its cache volume and result store (the seed's `make clean`)",
    )
    .option("--all", "also remove the pip cache volume and the result store of this project")
    .option("-f, --force", "also remove files in the wheelhouse that wheelwright did not write")
    .option("-n, --dry-run", "print what would be removed (the exact engine commands) and remove nothing")
    .action(async (options: { all?: boolean; force?: boolean; dryRun?: boolean }, command: Command) => {
      const { cleanCommand } = await import("./commands/clean.js");
      await cleanCommand(session(command), options);
    });

  program
    .command("all")
    .description(
      "clean, build the images, build the wheelhouse with the test extra, test from it, build the release image (the seed's `make all`)",
    )
    .action(async (_options: unknown, command: Command) => {
      const { allCommand } = await import("./commands/all.js");
      await allCommand(session(command));
    });

  program
    .command("init")
    .description(
      "scaffold wheelwright.toml, docker/base, docker/builder, docker/release and a .dockerignore in an existing Python project",
    )
    .option("-f, --force", "overwrite files that exist")
    .action(async (options: { force?: boolean }, command: Command) => {
      const { initCommand } = await import("./commands/init.js");
      await initCommand(session(command), options);
    });

  program
    .command("push")
    .description(
      "push the release image (:<sha>, :<version>, each TAG) to the registry its namespace names and check the registry's digest (the seed's `make login` + `make push`)",
    )
    .argument("[tags...]", "extra tags to give the release image and push")
    .option("--all-images", "also push the project's other images (base, builder, ...)")
    .option("-u, --username <name>", "log in with this user name (the password comes on stdin)")
    .option("--password-stdin", "read the registry password from stdin (never from argv)")
    .option("-n, --dry-run", "print the plan (the exact engine commands) and push nothing")
    .action(
      async (
        tags: string[],
        options: { allImages?: boolean; username?: string; passwordStdin?: boolean; dryRun?: boolean },
        command: Command,
      ) => {
        const { pushCommand } = await import("./commands/push.js");
        await pushCommand(session(command), tags, options);
      },
    );

  program
    .command("info")

    .description("show the resolved config and where each value came from, the image names and the engine")
    .action(async (_options: unknown, command: Command) => {
      const { infoCommand } = await import("./commands/info.js");
      await infoCommand(session(command));
    });
  return program;
}
