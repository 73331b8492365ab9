// The command line: commander definitions only; each command's work lives in commands/, loaded
// when the command runs, so `--version`, `--help` and a no-op build start fast.
import { Command, InvalidArgumentError, Option } from "commander";
import { CONFIG_FLAGS, type ConfigFlag } from "../config/flags.js";
import { CONFIG_KEYS, type ConfigKey } from "../config/schema.js";
import { addCache, addVerify } from "./program-registry.js";
import type { Session } from "./session.js";

export type SessionOf = (command: Command) => Session;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function optionName(flag: string): string {
  return flag
    .replace(/^--/, "")
    .split(" ")[0]!
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * A config key as a global option. The default is shown in the text, not given to commander: a
 * commander default would look like a flag the user passed, and beat the config file.
 */
function configOption(spec: ConfigFlag): Option {
  const fallback = CONFIG_KEYS[spec.key].default;
  const shown = fallback === undefined || fallback === "" ? "" : ` [default: ${String(fallback)}]`;
  const option = new Option(spec.flag, `${CONFIG_KEYS[spec.key].describe}${shown}`);
  if (spec.choices) option.choices([...spec.choices]);
  if (spec.list) option.argParser(collect);
  if (spec.number) option.argParser((value: string) => (/^\d+$/.test(value) ? Number(value) : value));
  return option;
}

function parseJobs(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError("a whole number of at least 1");
  return Number(value);
}

const DRY_RUN = ["-n, --dry-run", "print the plan (the exact engine commands) and run nothing"] as const;

function addImageAndBuild(program: Command, session: SessionOf): void {
  program
    .command("image")
    .description(
      "build an image folder's Dockerfile and tag it NS/APP-<folder>:<git sha> and :<version> (the seed's `make image`)",
    )
    .argument("[folder...]", "image folder (e.g. docker/builder), then optionally the build context folder")
    .option("--all", "build every image folder except the release one, in the order their FROM lines require")
    .option(...DRY_RUN)
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
    .option("-f, --force", "rebuild every wheel even when the inputs are unchanged (the caches are kept)")
    .option(
      "--renew-build-envs",
      "make the cached build environments anew from the index, then rebuild every wheel (implies --force)",
    )
    .option(
      "--check-reproducible",
      "build the set a second time in a fresh builder under other conditions and compare every wheel (exit 13 when they differ)",
    )
    .option(
      "--cache-push",
      "push the wheel set to the registry wheel cache (`cache`) after a build [default: on when CI is set]",
    )
    .option("--no-cache-push", "do not push to the registry wheel cache, even in CI")
    .option(
      "--cache-required",
      "a registry wheel cache that cannot be used fails the build (exit 9) instead of a warning",
    )
    .option(...DRY_RUN)
    .action(async (extras: string[], options: BuildFlags, command: Command) => {
      const current = session(command);
      const { buildCommand } = await import("./commands/build.js");
      await buildCommand(current, extras, options, current.passthrough);
    });
}

interface BuildFlags {
  cachePush?: boolean;
  cacheRequired?: boolean;
  group?: string[];
  requirement?: string[];
  force?: boolean;
  renewBuildEnvs?: boolean;
  checkReproducible?: boolean;
  dryRun?: boolean;
}

function addTestReleaseRun(program: Command, session: SessionOf): void {
  program
    .command("test")
    .description(
      "install the app and its test set (extra, group or requirements file) from the wheelhouse only, in a fresh builder (or docker/dev) container, and run the test command as a non-root user against the installed wheel (the seed's `make test`); `test -- CMD` runs CMD instead",
    )
    .option("--junit-xml <file>", "write the JUnit XML report of pytest to this host path")
    .option(...DRY_RUN)
    .action(async (options: { junitXml?: string; dryRun?: boolean }, command: Command) => {
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
    .option(...DRY_RUN)
    .action(async (tags: string[], options: { dryRun?: boolean }, command: Command) => {
      const { releaseCommand } = await import("./commands/release.js");
      await releaseCommand(session(command), tags, options);
    });
  program
    .command("run")
    .description(
      "run a command (or the image's CMD) in this commit's release image; the container is removed afterwards and the command's exit code is wheelwright's (the seed's `make run`)",
    )
    .argument("[command...]", "the command (put it after `--` when it has options: run -- python -c '...')")
    .action(async (words: string[], _options: unknown, command: Command) => {
      const current = session(command);
      const { runCommand } = await import("./commands/run.js");
      await runCommand(current, current.passthrough ?? words);
    });
}

function addCleanAllInit(program: Command, session: SessionOf): void {
  program
    .command("clean")
    .description(
      "remove what wheelwright made for this project: the wheelhouse's files, its containers, dangling images and candidate tags; --all also its cache volume and result store (the seed's `make clean`)",
    )
    .option("--all", "also remove the pip cache volume and the result store of this project")
    .option("-f, --force", "also remove files in the wheelhouse that wheelwright did not write")
    .option(...DRY_RUN)
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
}

function addPushInfo(program: Command, session: SessionOf): void {
  program
    .command("push")
    .description(
      "push the release image (:<sha>, :<version>, each TAG) to the registry its namespace names and check the registry's digest (the seed's `make login` + `make push`)",
    )
    .argument("[tags...]", "extra tags to give the release image and push")
    .option("--all-images", "also push the project's other images (base, builder, ...)")
    .option("-u, --username <name>", "log in with this user name (the password comes on stdin)")
    .option("--password-stdin", "read the registry password from stdin (never from argv)")
    .option(
      "--no-provenance",
      "attach no provenance (an in-toto SLSA v1 statement) to the pushed release image [default: attached]",
    )
    .option(
      "--provenance-required",
      "a registry that refuses the provenance fails the push (exit 9) instead of a warning",
    )
    .option(...DRY_RUN)
    .action(async (tags: string[], options: PushFlags, command: Command) => {
      const { pushCommand } = await import("./commands/push.js");
      await pushCommand(session(command), tags, options);
    });
  program
    .command("lock")
    .description(
      "write a pylock.toml (PEP 751) from the current wheelhouse: later builds then install exactly these versions, hashes enforced",
    )
    .option("-o, --output <file>", "where to write it (default: pylock.toml in the source folder)")
    .action(async (options: { output?: string }, command: Command) => {
      const { lockCommand } = await import("./commands/lock.js");
      await lockCommand(session(command), options);
    });
  program
    .command("info")
    .description("show the resolved config and where each value came from, the image names and the engine")
    .action(async (_options: unknown, command: Command) => {
      const { infoCommand } = await import("./commands/info.js");
      await infoCommand(session(command));
    });
}

interface PushFlags {
  provenance?: boolean;
  provenanceRequired?: boolean;
  allImages?: boolean;
  username?: string;
  passwordStdin?: boolean;
  dryRun?: boolean;
}

export function createProgram(
  version: string,
  makeSession: (globals: Record<string, unknown>) => Session,
  cwd = ".",
): Command {
  const program = new Command("wheelwright")
    .description(
      "Build a Python application's wheelhouse in a builder image, and a release image from those wheels alone.",
    )
    .version(version, "-V, --version")
    .option("-C, --cwd <folder>", "project folder (holding pyproject.toml or wheelwright.toml)", cwd)
    .option("--json", "machine-readable output: results as JSON on stdout, events as NDJSON on stderr", false)
    .option("-v, --verbose", "show the full output of image builds and pip", false)
    .option(
      "--context <name>",
      "the docker context to use (as `docker --context`; podman: the connection) [default: DOCKER_HOST, DOCKER_CONTEXT or the current context]",
    )
    .showHelpAfterError("(run `wheelwright --help` for usage)")
    // Set before the subcommands are added: they copy it, so their parse errors reach the entry too.
    .exitOverride()
    .configureHelp({ showGlobalOptions: true });
  for (const spec of CONFIG_FLAGS) program.addOption(configOption(spec));
  // After `--cache <ref>`: the option is then undefined unless given, false with --no-cache.
  program.addOption(new Option("--no-cache", "do not use the registry wheel cache this run"));
  program.addOption(
    new Option(
      "--target <name>",
      "run for this target only (repeatable; a target is a [[tool.wheelwright.target]] table) [default: every target]",
    ).argParser(collect),
  );
  program.addOption(
    new Option(
      "--jobs <n>",
      "targets run at a time [default: 1 on a machine with 2 CPUs or fewer, else half its CPUs]",
    ).argParser(parseJobs),
  );
  const session: SessionOf = (command) => {
    const globals = command.optsWithGlobals();
    const flags: Partial<Record<ConfigKey, unknown>> = {};
    for (const spec of CONFIG_FLAGS) {
      const value = globals[optionName(spec.flag)];
      if (value !== undefined) flags[spec.key] = value;
    }
    // --no-cache: the cache key's flag layer says "none" (an empty reference), beating file and env.
    if (globals.cache === false) flags.cache = "";
    return makeSession({ ...globals, flags, command: command.name() });
  };
  addImageAndBuild(program, session);
  addTestReleaseRun(program, session);
  addCleanAllInit(program, session);
  addPushInfo(program, session);
  addCache(program, session);
  addVerify(program, session);
  return program;
}
