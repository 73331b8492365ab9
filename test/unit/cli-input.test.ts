// Bad input through the whole CLI, in the test's process. The guarded runner fails any call to
// docker or podman: an input error with no engine call recorded is the proof that the input was
// refused before the engine was asked anything. Fixture projects are written with node:fs; their
// git facts come from the runner's fake.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../../src/errors.js";
import { REPO_ROOT } from "../support/cli.js";
import { FAKE_COMMIT, type GitState, guardedRunner } from "../support/guarded-runner.js";
import { type InProcessResult, runInProcess, testEnv } from "../support/in-process.js";
import { type ProjectSpec, writeProject } from "../support/project-files.js";

let scratch: string;
beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "wheelwright-cli-input-"));
  // The CLI loads each command's module when it first runs: load them here, once, so no test
  // pays for compiling them (on a busy machine that is seconds).
  await Promise.all([
    import("../../src/cli/commands/build.js"),
    import("../../src/cli/commands/image.js"),
    import("../../src/cli/commands/info.js"),
  ]);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const NAMESPACE = "wwtest";
const shortSha = FAKE_COMMIT.sha.slice(0, 12);

function project(spec: ProjectSpec): string {
  return writeProject(spec, {
    parent: scratch,
    namespace: NAMESPACE,
    findLinks: path.join(scratch, "index"),
    baseImage: "wwtest/test-base:latest",
    builderImage: "wwtest/test-builder:latest",
  });
}

/** Runs the CLI in-process with the engine forbidden (or down), and git answering as `git` says. */
async function cli(
  args: string[],
  root: string,
  options: { git?: GitState; env?: Record<string, string>; engine?: "forbidden" | "down" } = {},
): Promise<InProcessResult> {
  const runner = guardedRunner({ git: options.git, engine: options.engine });
  const result = await runInProcess(args, {
    cwd: root,
    env: testEnv(scratch, { WHEELWRIGHT_ENGINE: "docker", ...options.env }),
    runner,
  });
  expect(runner.unexpected, "processes the fake runner does not know").toEqual([]);
  return result;
}

/** An input error (exit 3) reached without any engine call. */
async function refused(args: string[], root: string, options: Parameters<typeof cli>[2] = {}) {
  const result = await cli(args, root, options);
  expect(result.exitCode, result.stderr).toBe(EXIT_CODES.input);
  expect(result.runner.engineCalls).toEqual([]);
  return result;
}

describe("image: bad input is refused before the engine", () => {
  it("a folder without a Dockerfile, and one that does not exist (listing the valid ones)", async () => {
    const root = project({ scenario: "no-dockerfile" });
    mkdirSync(path.join(root, "docker", "empty"));
    const empty = await refused(["image", "docker/empty"], root);
    expect(empty.stderr).toContain("docker/empty has no Dockerfile");
    const missing = await refused(["image", "docker/nosuch"], root);
    expect(missing.stderr).toMatch(/no image folder 'nosuch' under docker\/ \(valid: base, builder, empty\)/);
  });

  it("two folders that map to one image name", async () => {
    const root = project({ scenario: "clash" });
    for (const name of ["dev_tools", "dev-tools"]) {
      mkdirSync(path.join(root, "docker", name));
      writeFileSync(path.join(root, "docker", name, "Dockerfile"), "FROM scratch\n");
    }
    const result = await refused(["image", "--all"], root);
    expect(result.stderr).toMatch(/both map to the image name 'wwtest\/clash-dev-tools'/);
  });

  it.each([
    [["--namespace", "Acme"], /namespace.*uppercase/],
    [["--app", "-polls"], /app.*starts with/],
    [["--image-version", ".1"], /version.*starts with/],
    [["--image-version", "1.0+cuda"], /PEP 440 local version/],
    [["--image-version", "x".repeat(129)], /at most 128/],
    [["--app", "po lls"], /whitespace/],
    [["--app", "polls;rm"], /may only hold/],
  ])("an invalid image reference part %j", async (flags, message) => {
    const root = project({ scenario: "badref" });
    const result = await refused([...flags, "image", "--all"], root);
    expect(result.stderr).toMatch(message);
  });

  it("a FROM cycle, and a FROM naming a project image whose folder does not exist", async () => {
    const root = project({ scenario: "cycle" });
    writeFileSync(
      path.join(root, "docker", "base", "Dockerfile"),
      "ARG BUILDER_IMAGE\nFROM ${BUILDER_IMAGE}\n",
    );
    writeFileSync(path.join(root, "docker", "builder", "Dockerfile"), "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n");
    const cycle = await refused(["image", "--all"], root);
    expect(cycle.stderr).toMatch(/cycle: base -> builder -> base/);
    writeFileSync(path.join(root, "docker", "base", "Dockerfile"), "ARG TOOLS_IMAGE\nFROM ${TOOLS_IMAGE}\n");
    const missing = await refused(["image", "docker/base"], root);
    expect(missing.stderr).toMatch(/names the project image 'tools', but there is no folder docker\/tools/);
  });

  it("an unknown config key, with a did-you-mean", async () => {
    const root = project({ scenario: "typo", extraToolConfig: 'namespase = "x"\n' });
    const result = await refused(["info"], root);
    expect(result.stderr).toContain("unknown key 'namespase' (did you mean 'namespace'?)");
  });

  it("an unborn HEAD", async () => {
    const root = project({ scenario: "unborn" });
    const result = await refused(["image", "docker/base"], root, { git: { kind: "unborn" } });
    expect(result.stderr).toMatch(/no commit yet \(unborn HEAD\)/);
  });

  it("an invalid SOURCE_DATE_EPOCH", async () => {
    const root = project({ scenario: "sde" });
    const result = await refused(["image", "docker/base"], root, { env: { SOURCE_DATE_EPOCH: "yesterday" } });
    expect(result.stderr).toMatch(/SOURCE_DATE_EPOCH='yesterday'/);
  });

  it("prints the plan with --dry-run without any engine, base before builder, tagged with the commit", async () => {
    const root = project({ scenario: "dryrun" });
    const result = await cli(["image", "--all", "--dry-run"], root);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.runner.engineCalls).toEqual([]);
    // The plan is a shell script (it also writes each Dockerfile with its label to a temp folder).
    const lines = result.stdout
      .trim()
      .split("\n")
      .filter((line) => / docker build /.test(` ${line}`));
    expect(lines[0]).toMatch(
      new RegExp(
        `docker build --network host -f \\S+/base\\.Dockerfile -t wwtest/dryrun-base:${shortSha} .* \\S+/docker/base$`,
      ),
    );
    expect(lines[1]).toMatch(
      new RegExp(`-f \\S+/builder\\.Dockerfile .*--build-arg BASE_IMAGE=wwtest/dryrun-base:${shortSha}`),
    );
    expect(lines).toHaveLength(2);
    const json = await cli(["--json", "image", "--all", "--dry-run"], root);
    const plan = JSON.parse(json.stdout) as {
      version: number;
      steps: { context?: string; command: { argv: string[] } }[];
    };
    expect(plan.version).toBe(1);
    expect(plan.steps.map((s) => s.context)).toEqual(["base", "builder"]);
    expect(plan.steps[0]!.command.argv.slice(0, 2)).toEqual(["docker", "build"]);
  });

  it("tags a dirty tree <sha>-dirty in the plan", async () => {
    const root = project({ scenario: "dirty" });
    const result = await cli(["image", "docker/base", "--dry-run"], root, {
      git: { ...FAKE_COMMIT, dirty: true },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`-t wwtest/dirty-base:${shortSha}-dirty `);
    expect(result.stdout).not.toContain(`-t wwtest/dirty-base:${shortSha} `);
  });
});

describe("the engine not running", () => {
  it("ends with exit 4 and a hint after asking the engine once (and its client, meanwhile, for the context)", async () => {
    const root = project({ scenario: "noengine" });
    const result = await cli(["image", "docker/base"], root, { engine: "down" });
    expect(result.exitCode).toBe(EXIT_CODES.engine);
    expect(result.stderr).toMatch(/engine is not running/);
    expect(result.stderr).toMatch(/hint: Start the daemon/);
    const asked = result.runner.engineCalls.map((argv) => argv[1]);
    expect(asked.filter((command) => command === "version")).toHaveLength(1);
    expect(asked.filter((command) => command !== "version" && command !== "context")).toEqual([]);
  });
});

describe("build: bad input is refused before the engine", () => {
  it("an unknown extra or group, listing the available ones; Test_Extra is test-extra", async () => {
    const root = project({
      scenario: "extras",
      optional: { "test-extra": ["tinydep"] },
      groups: { dev: ["tinydep"] },
    });
    const result = await refused(["build", "nosuchextra", "--group", "nogroup"], root);
    expect(result.stderr).toContain("unknown extra: nosuchextra (available: test-extra)");
    expect(result.stderr).toContain("unknown group: nogroup (available: dev)");
    // A known extra under another spelling is accepted: the run gets past the input checks to the engine.
    const normalised = await cli(["build", "Test_Extra"], root, { engine: "down" });
    expect(normalised.exitCode).toBe(EXIT_CODES.engine);
    expect(normalised.runner.engineCalls.length).toBeGreaterThan(0);
  });

  it("invalid TOML, a project without a name, a folder with no project", async () => {
    const invalid = project({ scenario: "badtoml", pyproject: "[project\nname = 'x'\n" });
    const bad = await refused(["build"], invalid);
    expect(bad.stderr).toMatch(/pyproject.toml is not valid TOML/);

    const nameless = project({ scenario: "nameless", name: null, extraToolConfig: 'app = "nameless"\n' });
    const noName = await refused(["build"], nameless);
    expect(noName.stderr).toMatch(/project has no name/);

    const empty = project({ scenario: "empty" });
    rmSync(path.join(empty, "pyproject.toml"));
    const none = await refused(["build", "--app", "x"], empty, { git: { kind: "none" } });
    expect(none.stderr).toMatch(/neither a setup.py nor a pyproject.toml/);
  });

  it("an output path that is a file, a configured path outside the project", async () => {
    const root = project({ scenario: "outfile" });
    writeFileSync(path.join(root, "wheelhouse"), "not a folder");
    const file = await refused(["build"], root);
    expect(file.stderr).toMatch(/is a file, not a folder/);
    const outside = await refused(["build", "--wheelhouse", "../../elsewhere"], root);
    expect(outside.stderr).toMatch(/points outside the project/);
    const absolute = await refused(["build", "--wheelhouse", "/tmp/elsewhere"], root);
    expect(absolute.stderr).toMatch(/is an absolute path/);
  });

  it("unknown commands and flags are usage errors (exit 2), before anything runs", async () => {
    const root = project({ scenario: "usage" });
    for (const args of [["frobnicate"], ["build", "--nosuchflag"], ["image"]]) {
      const result = await cli(args, root);
      expect(result.exitCode, args.join(" ")).toBe(EXIT_CODES.usage);
      expect(result.stderr, args.join(" ")).toMatch(/^error: /m);
      expect(result.runner.calls).toEqual([]);
    }
  });
});

describe("the in-process entry", () => {
  it("prints --version and --help to the given stdout, running nothing", async () => {
    const root = project({ scenario: "version" });
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    const shown = await cli(["--version"], root);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toBe(`${version}\n`);
    const help = await cli(["build", "--help"], root);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: wheelwright build/m);
    expect([...shown.runner.calls, ...help.runner.calls]).toEqual([]);
  });

  it("resolves --cwd against the given folder, not the test process's", async () => {
    const root = project({ scenario: "cwdflag" });
    const result = await cli(
      ["--cwd", path.basename(root), "image", "--all", "--dry-run"],
      path.dirname(root),
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("wwtest/cwdflag-base:");
    expect(process.cwd()).not.toBe(path.dirname(root));
  });

  it("two runs at once in one process see only their own cwd, environment and output", async () => {
    const first = project({ scenario: "first" });
    const second = project({ scenario: "second" });
    const [one, two] = await Promise.all([
      cli(["image", "--all", "--dry-run"], first, { env: { WHEELWRIGHT_NAMESPACE: "one" } }),
      cli(["image", "--all", "--dry-run"], second, { env: { WHEELWRIGHT_NAMESPACE: "two" } }),
    ]);
    expect(one.exitCode, one.stderr).toBe(0);
    expect(two.exitCode, two.stderr).toBe(0);
    expect(one.stdout).toContain("-t one/first-base:");
    expect(two.stdout).toContain("-t two/second-base:");
    expect(one.stdout).not.toMatch(/two\/|second/);
    expect(two.stdout).not.toMatch(/one\/|first/);
    expect(one.runner.calls.every((argv) => argv.includes(first))).toBe(true);
    expect(two.runner.calls.every((argv) => argv.includes(second))).toBe(true);
  });
});
