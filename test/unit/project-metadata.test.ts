import { describe, expect, it } from "vitest";
import { readStaticMetadata } from "../../src/domain/project-metadata.js";
import { InputError } from "../../src/errors.js";

const none = { pyproject: undefined, setupCfg: undefined, setupPy: undefined };

describe("static project metadata", () => {
  it("reads [project] name, version, static extras, groups and [tool.wheelwright]", () => {
    const meta = readStaticMetadata({
      ...none,
      pyproject: `[project]\nname = "Demo_App"\nversion = "1.2"\n[project.optional-dependencies]\nTest_Extra = ["pytest"]\n[dependency-groups]\nDev = ["ruff"]\n[tool.wheelwright]\nnamespace = "acme"\n`,
    });
    expect(meta).toMatchObject({
      name: "Demo_App",
      version: "1.2",
      extras: ["test-extra"],
      groups: ["dev"],
      hasProjectTable: true,
    });
    expect(meta.toolTable).toEqual({ namespace: "acme" });
  });

  it("does not claim to know dynamic extras", () => {
    const meta = readStaticMetadata({
      ...none,
      pyproject: `[project]\nname = "x"\ndynamic = ["optional-dependencies"]\n`,
    });
    expect(meta.extras).toBeUndefined();
  });

  it("reads setup.cfg and a literal name in setup.py without running it", () => {
    expect(
      readStaticMetadata({ ...none, setupCfg: "[metadata]\nname = cfgname\nversion = 0.3\n" }).name,
    ).toBe("cfgname");
    expect(
      readStaticMetadata({
        ...none,
        setupPy: "from setuptools import setup\nsetup(name='pyname', version=\"0.1\")\n",
      }),
    ).toMatchObject({
      name: "pyname",
      version: "0.1",
      extras: [], // it never names extras_require
    });
  });

  it("reports a project without a name as nameless, with its [project] table", () => {
    expect(readStaticMetadata({ ...none, pyproject: `[project]\nversion = "1"\n` })).toMatchObject({
      name: undefined,
      hasProjectTable: true,
    });
  });

  it("refuses invalid TOML and a folder with no project files", () => {
    expect(() => readStaticMetadata({ ...none, pyproject: "[project\nname=" })).toThrow(
      /pyproject.toml is not valid TOML/,
    );
    expect(() => readStaticMetadata(none)).toThrow(InputError);
    expect(() => readStaticMetadata(none)).toThrow(/neither a setup.py nor a pyproject.toml/);
  });
});

describe("poetry's groups", () => {
  it("are groups too: [tool.poetry.group.<name>] and the older dev-dependencies (as dev)", () => {
    const metadata = readStaticMetadata({
      pyproject:
        '[tool.poetry]\nname = "rich"\nversion = "1"\n[tool.poetry.group.test.dependencies]\npytest = "^7"\n[tool.poetry.dev-dependencies]\nblack = "*"\n',
      setupCfg: undefined,
      setupPy: undefined,
    });
    expect(metadata.groups.sort()).toEqual(["dev", "test"]);
  });
});
