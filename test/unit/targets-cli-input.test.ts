// Issue 14 at the command line: --target and --jobs parsed (a bad value is a usage error, an
// unknown target an input error, both before any engine call); `run --target NAME -- CMD`;
// `init --target` writes the targets and a base image that takes its Debian as a build arg.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "smol-toml";
import { afterEach, describe, expect, it } from "vitest";
import { splitCommandLine } from "../../src/cli/command-line.js";
import { loadProject } from "../../src/config/load.js";
import { InputError } from "../../src/errors.js";
import { initProject } from "../../src/workflows/init-project.js";
import { runInProcess, testEnv } from "../support/in-process.js";
import { testContext } from "../support/workflow-context.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function targetsProject(): string {
  const root = mkdtempSync(path.join(tmpdir(), "wheelwright-targets-cli-"));
  made.push(root);
  const files: Record<string, string> = {
    "pyproject.toml": `[project]\nname = "demo"\nversion = "1.0"\n\n[tool.wheelwright]\nnamespace = "acme"\n\n[[tool.wheelwright.target]]\nname = "bookworm"\n\n[[tool.wheelwright.target]]\nname = "trixie"\n`,
    "demo/__init__.py": "",
    "docker/base/Dockerfile": "FROM debian:bookworm-slim\n",
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe("--target and --jobs", () => {
  it("an unknown target is an input error (exit 3) with a did-you-mean, before any engine call", async () => {
    const root = targetsProject();
    const result = await runInProcess(["build", "--target", "trixy"], { cwd: root, env: testEnv(root) });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("error: Unknown target: trixy");
    expect(result.stderr).toContain("trixy: not a target of this project (did you mean 'trixie'?)");
    expect(result.runner.engineCalls).toEqual([]);
  });

  it("--jobs takes a whole number of at least 1 (else exit 2)", async () => {
    const root = targetsProject();
    for (const bad of ["0", "two", "-1"]) {
      const result = await runInProcess(["--jobs", bad, "info"], { cwd: root, env: testEnv(root) });
      expect(result.exitCode, bad).toBe(2);
    }
  });

  it("--target may follow the command, and after `run` it is still wheelwright's", () => {
    expect(splitCommandLine(["run", "--target", "trixie", "--", "python3", "-V"])).toEqual({
      own: ["run", "--target", "trixie"],
      command: ["python3", "-V"],
    });
    expect(splitCommandLine(["run", "--target=trixie", "--target", "b", "id", "-u"])).toEqual({
      own: ["run", "--target=trixie", "--target", "b"],
      command: ["id", "-u"],
    });
    expect(splitCommandLine(["run", "id", "--target", "x"])).toEqual({
      own: ["run"],
      command: ["id", "--target", "x"],
    });
  });
});

describe("init --target", () => {
  const teamProject = (tmp: string) => {
    const root = path.join(tmp, "team");
    mkdirSync(path.join(root, "team_app"), { recursive: true });
    writeFileSync(path.join(root, "team_app", "__init__.py"), "");
    writeFileSync(path.join(root, "pyproject.toml"), '[project]\nname = "team-app"\nversion = "1.0"\n');
    return root;
  };
  const config = { namespace: "acme", network: "host", "index-url": "file:///srv/simple" };

  it("declares the targets and writes a base image whose Debian is a build arg; the project loads with them", async () => {
    const { ctx, tmp } = testContext();
    const root = teamProject(tmp);
    await initProject(ctx, { root, config, force: false, targets: ["bookworm", "trixie"] });
    const toml = parse(readFileSync(path.join(root, "wheelwright.toml"), "utf8")) as Record<string, unknown>;
    expect(toml.target).toEqual([
      { name: "bookworm" },
      { name: "trixie", "build-args": { DEBIAN_IMAGE: "debian:trixie-slim" } },
    ]);
    expect(toml.namespace).toBe("acme");
    const base = readFileSync(path.join(root, "docker", "base", "Dockerfile"), "utf8");
    expect(base).toContain("ARG DEBIAN_IMAGE=debian:bookworm-slim\nFROM ${DEBIAN_IMAGE}\n");
    const project = loadProject({ cwd: root, env: {}, flags: {} });
    expect(project.targets.map((target) => [target.name, target.buildArgs])).toEqual([
      ["bookworm", {}],
      ["trixie", { DEBIAN_IMAGE: "debian:trixie-slim" }],
    ]);
  });

  it("says top-level keys go above the first [[target]], and a key appended below one gets that hint", async () => {
    const { ctx, tmp } = testContext();
    const root = teamProject(tmp);
    await initProject(ctx, { root, config, force: false, targets: ["bookworm", "trixie"] });
    const file = path.join(root, "wheelwright.toml");
    const text = readFileSync(file, "utf8");
    const comment = text.indexOf("# Top-level keys go above this line");
    expect(comment).toBeGreaterThan(-1);
    expect(comment).toBeLessThan(text.indexOf("[[target]]"));

    // What a user does next: appends a top-level key at the end, where it lands in the last target.
    writeFileSync(file, `${text}lock = "none"\nimagez = "x"\n`);
    const result = await runInProcess(["info"], { cwd: root, env: testEnv(root) });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain(
      "target[1]: unknown key 'lock' ('lock' is a top-level key: top-level keys go above the first [[target]] table)",
    );
    expect(result.stderr).toContain("target[1]: unknown key 'imagez' (did you mean 'images'?)");
    expect(result.stderr).toMatch(/Move 'lock' up: top-level keys go above the first \[\[target\]\] table/);
  });

  it("a config error with no misplaced key keeps the plain hint", async () => {
    const root = targetsProject();
    writeFileSync(
      path.join(root, "pyproject.toml"),
      `${readFileSync(path.join(root, "pyproject.toml"), "utf8")}imagez = "x"\n`,
    );
    const result = await runInProcess(["info"], { cwd: root, env: testEnv(root) });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("unknown key 'imagez' (did you mean 'images'?)");
    expect(result.stderr).not.toContain("top-level keys go above");
  });

  it("warns (and still writes the scaffold) when a target's Python is outside requires-python", async () => {
    const root = path.join(mkdtempSync(path.join(tmpdir(), "wheelwright-init-python-")), "app");
    made.push(path.dirname(root));
    mkdirSync(path.join(root, "app"), { recursive: true });
    writeFileSync(path.join(root, "app", "__init__.py"), "");
    writeFileSync(
      path.join(root, "pyproject.toml"),
      '[project]\nname = "app"\nversion = "1.0"\nrequires-python = ">=3.12"\n',
    );
    const result = await runInProcess(
      ["init", "--target", "bookworm", "--network", "host", "--index-url", "file:///srv/simple"],
      { cwd: root, env: testEnv(path.dirname(root)) },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/warning: .*requires Python >=3\.12.*bookworm \(Python 3\.11\)/);
    expect(result.stderr).toContain("`wheelwright init --force --target trixie`");
    expect(result.stdout).toContain("wrote wheelwright.toml");
    expect(readFileSync(path.join(root, "wheelwright.toml"), "utf8")).toContain('name = "bookworm"');
  });

  it("without --target writes what it always wrote", async () => {
    const { ctx, tmp } = testContext();
    const root = teamProject(tmp);
    await initProject(ctx, { root, config, force: false });
    expect(readFileSync(path.join(root, "wheelwright.toml"), "utf8")).not.toContain("[[target]]");
    expect(readFileSync(path.join(root, "docker", "base", "Dockerfile"), "utf8")).toMatch(
      /^FROM debian:bookworm-slim$/m,
    );
  });

  it("a target init does not know is an input error naming the ones it knows", async () => {
    const { ctx, tmp } = testContext();
    const root = teamProject(tmp);
    const error = await initProject(ctx, { root, config, force: false, targets: ["trixy"] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).details).toEqual([
      "trixy: not one of bookworm, trixie (did you mean 'trixie'?)",
    ]);
  });
});
