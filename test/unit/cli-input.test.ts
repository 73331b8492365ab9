// Bad input through the real CLI. DOCKER_HOST points at a socket that does not exist: an input
// error (exit 3) rather than an engine error (exit 4) proves the input was refused before any
// engine call.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { makeProject } from "../support/fixtures.js";

const NO_ENGINE = { DOCKER_HOST: "unix:///nonexistent/wheelwright-test.sock", WHEELWRIGHT_ENGINE: "docker" };

describe("image: bad input is refused before the engine", () => {
  it("a folder without a Dockerfile, and one that does not exist (listing the valid ones)", async () => {
    const root = makeProject({ scenario: "no-dockerfile" });
    mkdirSync(path.join(root, "docker", "empty"));
    const empty = await runCli(["image", "docker/empty"], { cwd: root, env: NO_ENGINE });
    expect(empty.exitCode).toBe(3);
    expect(empty.stderr).toContain("docker/empty has no Dockerfile");
    const missing = await runCli(["image", "docker/nosuch"], { cwd: root, env: NO_ENGINE });
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toMatch(/no image folder 'nosuch' under docker\/ \(valid: base, builder, empty\)/);
  });

  it("two folders that map to one image name", async () => {
    const root = makeProject({ scenario: "clash" });
    for (const name of ["dev_tools", "dev-tools"]) {
      mkdirSync(path.join(root, "docker", name));
      writeFileSync(path.join(root, "docker", name, "Dockerfile"), "FROM scratch\n");
    }
    const result = await runCli(["image", "--all"], { cwd: root, env: NO_ENGINE });
    expect(result.exitCode).toBe(3);
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
    const root = makeProject({ scenario: "badref" });
    const result = await runCli([...flags, "image", "--all"], { cwd: root, env: NO_ENGINE });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(message);
  });

  it("a FROM cycle, and a FROM naming a project image whose folder does not exist", async () => {
    const root = makeProject({ scenario: "cycle" });
    writeFileSync(
      path.join(root, "docker", "base", "Dockerfile"),
      "ARG BUILDER_IMAGE\nFROM ${BUILDER_IMAGE}\n",
    );
    writeFileSync(path.join(root, "docker", "builder", "Dockerfile"), "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n");
    const cycle = await runCli(["image", "--all"], { cwd: root, env: NO_ENGINE });
    expect(cycle.exitCode).toBe(3);
    expect(cycle.stderr).toMatch(/cycle: base -> builder -> base/);
    writeFileSync(path.join(root, "docker", "base", "Dockerfile"), "ARG TOOLS_IMAGE\nFROM ${TOOLS_IMAGE}\n");
    const missing = await runCli(["image", "docker/base"], { cwd: root, env: NO_ENGINE });
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toMatch(/names the project image 'tools', but there is no folder docker\/tools/);
  });

  it("an unknown config key, with a did-you-mean", async () => {
    const root = makeProject({ scenario: "typo", extraToolConfig: 'namespase = "x"\n' });
    const result = await runCli(["info"], { cwd: root, env: NO_ENGINE });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("unknown key 'namespase' (did you mean 'namespace'?)");
  });

  it("an unborn HEAD", async () => {
    const root = makeProject({ scenario: "unborn", git: "unborn" });
    const result = await runCli(["image", "docker/base"], { cwd: root, env: NO_ENGINE });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/no commit yet \(unborn HEAD\)/);
  });

  it("an invalid SOURCE_DATE_EPOCH", async () => {
    const root = makeProject({ scenario: "sde" });
    const result = await runCli(["image", "docker/base"], {
      cwd: root,
      env: { ...NO_ENGINE, SOURCE_DATE_EPOCH: "yesterday" },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/SOURCE_DATE_EPOCH='yesterday'/);
  });

  it("prints the plan with --dry-run without any engine, base before builder", async () => {
    const root = makeProject({ scenario: "dryrun" });
    const result = await runCli(["image", "--all", "--dry-run"], { cwd: root, env: NO_ENGINE });
    expect(result.exitCode).toBe(0);
    // The plan is a shell script (it also writes each Dockerfile with its label to a temp folder).
    const lines = result.stdout
      .trim()
      .split("\n")
      .filter((line) => / docker build /.test(` ${line}`));
    expect(lines[0]).toMatch(
      /docker build --network host -f \S+\/base\.Dockerfile -t wwtest\/dryrun-base:[0-9a-f]{12} .* \S+\/docker\/base$/,
    );
    expect(lines[1]).toMatch(
      /-f \S+\/builder\.Dockerfile .*--build-arg BASE_IMAGE=wwtest\/dryrun-base:[0-9a-f]{12}/,
    );
    expect(lines).toHaveLength(2);
    const json = await runCli(["--json", "image", "--all", "--dry-run"], { cwd: root, env: NO_ENGINE });
    const plan = JSON.parse(json.stdout) as {
      version: number;
      steps: { context?: string; command: { argv: string[] } }[];
    };
    expect(plan.version).toBe(1);
    expect(plan.steps.map((s) => s.context)).toEqual(["base", "builder"]);
    expect(plan.steps[0]!.command.argv.slice(0, 2)).toEqual(["docker", "build"]);
  });
});

describe("the engine not running", () => {
  it("answers within seconds with exit 4 and a hint", async () => {
    const root = makeProject({ scenario: "noengine" });
    const started = Date.now();
    const result = await runCli(["image", "docker/base"], { cwd: root, env: NO_ENGINE });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/engine is not running/);
    expect(result.stderr).toMatch(/hint: Start the daemon/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe("build: bad input is refused before the engine", () => {
  it("an unknown extra or group, listing the available ones; Test_Extra is test-extra", async () => {
    const root = makeProject({
      scenario: "extras",
      optional: { "test-extra": ["tinydep"] },
      groups: { dev: ["tinydep"] },
    });
    const result = await runCli(["build", "nosuchextra", "--group", "nogroup"], {
      cwd: root,
      env: NO_ENGINE,
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("unknown extra: nosuchextra (available: test-extra)");
    expect(result.stderr).toContain("unknown group: nogroup (available: dev)");
    // A known extra under another spelling is accepted: the run gets past the input checks to the engine.
    const normalised = await runCli(["build", "Test_Extra"], { cwd: root, env: NO_ENGINE });
    expect(normalised.exitCode).toBe(4);
  });

  it("invalid TOML, a project without a name, a folder with no project", async () => {
    const invalid = makeProject({ scenario: "badtoml", pyproject: "[project\nname = 'x'\n" });
    const bad = await runCli(["build"], { cwd: invalid, env: NO_ENGINE });
    expect(bad.exitCode).toBe(3);
    expect(bad.stderr).toMatch(/pyproject.toml is not valid TOML/);

    const nameless = makeProject({ scenario: "nameless", name: null, extraToolConfig: 'app = "nameless"\n' });
    const noName = await runCli(["build"], { cwd: nameless, env: NO_ENGINE });
    expect(noName.exitCode).toBe(3);
    expect(noName.stderr).toMatch(/project has no name/);

    const empty = makeProject({ scenario: "empty", git: "none" });
    const { rmSync } = await import("node:fs");
    rmSync(path.join(empty, "pyproject.toml"));
    const none = await runCli(["build", "--app", "x"], { cwd: empty, env: NO_ENGINE });
    expect(none.exitCode).toBe(3);
    expect(none.stderr).toMatch(/neither a setup.py nor a pyproject.toml/);
  });

  it("an output path that is a file, a configured path outside the project", async () => {
    const root = makeProject({ scenario: "outfile" });
    writeFileSync(path.join(root, "wheelhouse"), "not a folder");
    const file = await runCli(["build"], { cwd: root, env: { ...NO_ENGINE, WHEELWRIGHT_ENGINE: "local" } });
    expect(file.exitCode).toBe(3);
    expect(file.stderr).toMatch(/is a file, not a folder/);
    const outside = await runCli(["build", "--wheelhouse", "../../elsewhere"], { cwd: root, env: NO_ENGINE });
    expect(outside.exitCode).toBe(3);
    expect(outside.stderr).toMatch(/points outside the project/);
    const absolute = await runCli(["build", "--wheelhouse", "/tmp/elsewhere"], { cwd: root, env: NO_ENGINE });
    expect(absolute.exitCode).toBe(3);
    expect(absolute.stderr).toMatch(/is an absolute path/);
  });

  it("unknown commands and flags are usage errors (exit 2)", async () => {
    const root = makeProject({ scenario: "usage" });
    expect((await runCli(["frobnicate"], { cwd: root })).exitCode).toBe(2);
    expect((await runCli(["build", "--nosuchflag"], { cwd: root })).exitCode).toBe(2);
    expect((await runCli(["image"], { cwd: root })).exitCode).toBe(2);
  });
});
