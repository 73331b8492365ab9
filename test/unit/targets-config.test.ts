// Issue 14: `[[tool.wheelwright.target]]` parsed and checked with every problem's dotted path; one
// view of the project per target (its wheelhouse, images, tag suffix and build args); --target
// selection with "did you mean"; a project without targets exactly as before.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/load.js";
import { type ConfigInputs, resolveConfig, resolveProjectConfig } from "../../src/config/resolve.js";
import { selectTargets, tagSuffix, targetBuildArgs } from "../../src/config/target-view.js";
import { targetNameProblem } from "../../src/config/targets.js";
import { imageTags } from "../../src/domain/image-tags.js";
import { InputError } from "../../src/errors.js";

const base = (fileTable: Record<string, unknown>): ConfigInputs => ({
  fileTable,
  fileLabel: "pyproject.toml [tool.wheelwright]",
  env: {},
  flags: {},
  projectName: { value: "demo", detail: "pyproject.toml [project] name" },
});

function problemsOf(fileTable: Record<string, unknown>): string[] {
  try {
    resolveConfig(base(fileTable));
  } catch (error) {
    if (error instanceof InputError) return [...error.details];
    throw error;
  }
  throw new Error("expected an InputError");
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function projectWith(targets: string): string {
  const root = mkdtempSync(path.join(tmpdir(), "wheelwright-targets-"));
  made.push(root);
  const files: Record<string, string> = {
    "pyproject.toml": `[project]\nname = "demo"\nversion = "1.0"\n\n[tool.wheelwright]\nnamespace = "acme"\n${targets}`,
    "demo/__init__.py": "VALUE = 1\n",
    "docker/base/Dockerfile": "ARG DEBIAN_IMAGE=debian:bookworm-slim\nFROM ${DEBIAN_IMAGE}\n",
    "docker-arm/base/Dockerfile": "FROM debian:bookworm-slim\n",
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

const TWO = `
[[tool.wheelwright.target]]
name = "bookworm"

[[tool.wheelwright.target]]
name = "trixie"
build-args = { DEBIAN_IMAGE = "debian:trixie-slim" }
platform = "linux/amd64"
`;

describe("targets in the config", () => {
  it("reads the tables in order, with their build args, images folder and platform", () => {
    const { targets } = resolveProjectConfig(
      base({
        target: [
          { name: "bookworm" },
          { name: "trixie", "build-args": { DEBIAN_IMAGE: "debian:trixie-slim" }, platform: "linux/arm64" },
          { name: "arm", images: "docker-arm" },
        ],
      }),
    );
    expect(targets).toEqual([
      { name: "bookworm", buildArgs: {}, images: undefined, platform: undefined, family: undefined },
      {
        name: "trixie",
        buildArgs: { DEBIAN_IMAGE: "debian:trixie-slim" },
        images: undefined,
        platform: "linux/arm64",
        family: undefined,
      },
      { name: "arm", buildArgs: {}, images: "docker-arm", platform: undefined, family: undefined },
    ]);
    expect(resolveProjectConfig(base({})).targets).toEqual([]);
    // The config itself holds only its keys' values: the targets stand beside it.
    expect(Object.keys(resolveConfig(base({ target: [{ name: "x" }] })))).not.toContain("targets");
  });

  it("reports every problem at once with its dotted path", () => {
    const problems = problemsOf({
      target: [
        { name: "ok" },
        { name: "Bad Name" },
        { "build-args": { GOOD: "x", "bad-arg": "y", NUM: 3 } },
        { name: "ok" },
        { name: "x".repeat(41) },
        { name: "plat", platform: "arm64", imagez: "docker" },
        "trixie",
      ],
    });
    const label = "pyproject.toml [tool.wheelwright]: target";
    expect(problems).toEqual([
      expect.stringContaining(`${label}[1].name: 'Bad Name' must start with`),
      `${label}[2].name: missing (every target needs a name)`,
      `${label}[2].build-args.bad-arg: not a valid build arg name`,
      `${label}[2].build-args.NUM: must be a string (got 3)`,
      `${label}[3].name: 'ok' is used by an earlier target (names must be unique)`,
      expect.stringContaining(`${label}[4].name: '${"x".repeat(41)}' is 41 characters long (at most 40)`),
      `${label}[5]: unknown key 'imagez' (did you mean 'images'?)`,
      `${label}[5].platform: must be os/arch, like linux/amd64 or linux/arm64 (got "arm64")`,
      `${label}[6]: must be a table with a name (got "trixie")`,
    ]);
    expect(problemsOf({ target: { name: "x" } })).toEqual([
      expect.stringContaining(`${label}: must be an array of tables`),
    ]);
  });

  it("reads a target's family; a family is named like a target, and names no target", () => {
    const { targets } = resolveProjectConfig(
      base({
        target: [
          { name: "bookworm-amd64", family: "bookworm", platform: "linux/amd64" },
          { name: "bookworm-arm64", family: "bookworm", platform: "linux/arm64" },
        ],
      }),
    );
    expect(targets.map((target) => target.family)).toEqual(["bookworm", "bookworm"]);
    const label = "pyproject.toml [tool.wheelwright]: target";
    expect(
      problemsOf({
        target: [
          { name: "a", family: "Book Worm" },
          { name: "b", family: 3 },
          { name: "c", family: "a" },
        ],
      }),
    ).toEqual([
      expect.stringContaining(`${label}[0].family: 'Book Worm' must start with`),
      `${label}[1].family: must be a string (got 3)`,
      expect.stringContaining(`${label}[2].family: 'a' is also a target's name`),
    ]);
  });

  it("rejects two targets of one family that declare one platform, naming both", () => {
    const label = "pyproject.toml [tool.wheelwright]: target";
    expect(
      problemsOf({
        target: [
          { name: "amd", family: "bookworm", platform: "linux/arm64/v8" },
          { name: "other", family: "trixie", platform: "linux/arm64" },
          { name: "arm", family: "bookworm", platform: "linux/arm64" },
        ],
      }),
    ).toEqual([
      `${label}[2].platform: targets 'amd' and 'arm' of family 'bookworm' both declare linux/arm64 (a family's manifest list holds one image per platform)`,
    ]);
    // Without a declared platform the check waits for the images (push asks what they are).
    expect(() =>
      resolveConfig(
        base({
          target: [
            { name: "a", family: "f" },
            { name: "b", family: "f" },
          ],
        }),
      ),
    ).not.toThrow();
  });

  it("names a target with lowercase letters, digits, '.', '_' and '-' only", () => {
    for (const good of ["bookworm", "py3.13", "arm_64", "0x"])
      expect(targetNameProblem(good)).toBeUndefined();
    for (const bad of ["Trixie", "-x", ".x", "a b", "a/b", ""]) expect(targetNameProblem(bad)).toBeDefined();
  });
});

describe("the project as each target sees it", () => {
  it("gives each target its wheelhouse folder, images folder, tag suffix and build args", () => {
    const root = projectWith(`${TWO}\n[[tool.wheelwright.target]]\nname = "arm"\nimages = "docker-arm"\n`);
    const project = loadProject({ cwd: root, env: {}, flags: {} });
    const views = selectTargets(project, []);
    expect(views.map((view) => view.target?.name)).toEqual(["bookworm", "trixie", "arm"]);
    expect(views.map((view) => path.relative(root, view.wheelhouseDir))).toEqual([
      "wheelhouse/bookworm",
      "wheelhouse/trixie",
      "wheelhouse/arm",
    ]);
    expect(views.map((view) => path.relative(root, view.imagesDir))).toEqual([
      "docker",
      "docker",
      "docker-arm",
    ]);
    expect(views.map(tagSuffix)).toEqual(["-bookworm", "-trixie", "-arm"]);
    expect(targetBuildArgs(views[1]!)).toEqual({ DEBIAN_IMAGE: "debian:trixie-slim" });
    expect(views[1]!.target?.platform).toBe("linux/amd64");
  });

  it("without targets: the project itself, its own wheelhouse, tags without a suffix", () => {
    const root = projectWith("");
    const project = loadProject({ cwd: root, env: {}, flags: {} });
    const views = selectTargets(project, []);
    expect(views).toEqual([project]);
    expect(path.relative(root, views[0]!.wheelhouseDir)).toBe("wheelhouse");
    expect(tagSuffix(views[0]!)).toBe("");
    expect(() => selectTargets(project, ["trixie"])).toThrow(/declares no targets/);
  });

  it("--target selects in the order given; an unknown name is an input error with a did-you-mean", () => {
    const project = loadProject({ cwd: projectWith(TWO), env: {}, flags: {} });
    expect(selectTargets(project, ["trixie", "bookworm", "trixie"]).map((v) => v.target?.name)).toEqual([
      "trixie",
      "bookworm",
    ]);
    let error: unknown;
    try {
      selectTargets(project, ["trixy", "sid"]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe("Unknown targets: trixy, sid");
    expect((error as InputError).details).toEqual([
      "trixy: not a target of this project (did you mean 'trixie'?)",
      "sid: not a target of this project",
    ]);
    expect((error as InputError).hint).toContain("bookworm, trixie");
  });

  it("a target's images folder must stay inside the project", () => {
    const root = projectWith(`[[tool.wheelwright.target]]\nname = "out"\nimages = "../elsewhere"\n`);
    expect(() => loadProject({ cwd: root, env: {}, flags: {} })).toThrow(/target out: images.*outside/);
  });

  it("the wheelhouse may hold the targets' folders, locks and staging folders, and nothing else", () => {
    const root = projectWith(TWO);
    for (const name of ["bookworm", "trixie", ".trixie.staging-abc123", ".bookworm.old-abc123"])
      mkdirSync(path.join(root, "wheelhouse", name), { recursive: true });
    writeFileSync(path.join(root, "wheelhouse", ".trixie.lock"), "{}");
    writeFileSync(path.join(root, "wheelhouse", "trixie", "manifest.json"), "{}");
    expect(() => loadProject({ cwd: root, env: {}, flags: {} })).not.toThrow();
    writeFileSync(path.join(root, "wheelhouse", "trixie", "notes.txt"), "mine");
    expect(() => loadProject({ cwd: root, env: {}, flags: {} })).toThrow(/trixie\/notes\.txt/);
    rmSync(path.join(root, "wheelhouse", "trixie", "notes.txt"));
    mkdirSync(path.join(root, "wheelhouse", "sid"));
    expect(() => loadProject({ cwd: root, env: {}, flags: {} })).toThrow(
      /files wheelwright did not write \(sid\)/,
    );
  });
});

describe("image tags", () => {
  const commit = {
    kind: "commit",
    sha: "f".repeat(40),
    shortSha: "fffffff",
    commitTime: 1,
    remote: undefined,
  } as const;
  it("a target's tags end with its name; without one they are as before", () => {
    expect(imageTags({ ...commit, dirty: false }, "latest", "-trixie")).toEqual({
      primary: "fffffff-trixie",
      version: "latest-trixie",
    });
    expect(imageTags({ ...commit, dirty: true }, "1.0", "-trixie").primary).toBe("fffffff-dirty-trixie");
    expect(imageTags({ ...commit, dirty: false }, "latest", "")).toEqual({
      primary: "fffffff",
      version: "latest",
    });
    expect(imageTags({ kind: "none", reason: "no git" }, "2.0", "-arm")).toEqual({
      primary: "2.0-arm",
      version: "2.0-arm",
    });
  });
});
