import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/load.js";
import { collectBuildInputs, pyprojectForBuild } from "../../src/project/build-inputs.js";

describe("build inputs", () => {
  it("reads pyproject.toml without its [tool.wheelwright] table (and its sub-tables)", () => {
    const text =
      '[project]\nname = "x"\n\n[tool.wheelwright]\ntest-command = "pytest"\n\n[tool.wheelwright.x]\na = 1\n\n[tool.ruff]\nline-length = 100\n';
    expect(pyprojectForBuild(text)).toBe('[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n');
  });

  it("editing wheelwright's own config (a test command) changes no fingerprint; editing the code changes only the app's", () => {
    const root = mkdtempSync(path.join(tmpdir(), "wheelwright-inputs-"));
    const write = (tool: string, code: string) => {
      writeFileSync(
        path.join(root, "pyproject.toml"),
        `[project]\nname = "demo"\nversion = "1"\ndependencies = ["a"]\n\n[tool.wheelwright]\n${tool}\n`,
      );
      mkdirSync(path.join(root, "demo"), { recursive: true });
      writeFileSync(path.join(root, "demo", "__init__.py"), code);
      writeFileSync(path.join(root, "wheelwright.toml"), `# ${tool}\n`);
    };
    const inputs = () =>
      collectBuildInputs({
        project: loadProject({ cwd: root, env: {}, flags: {} }),
        request: { extras: [], groups: [], requirements: [] },
        index: { indexUrl: undefined, extraIndexUrls: [], findLinks: [] },
        builderId: "image:x",
        sourceDateEpoch: 1,
        toolVersion: "t",
      }).fingerprints;
    write('test-command = "pytest"', "A = 1\n");
    const first = inputs();
    write('test-command = "pytest -x"', "A = 1\n");
    expect(inputs().fingerprint).toBe(first.fingerprint);
    write('test-command = "pytest -x"', "A = 2\n");
    const changed = inputs();
    expect(changed.fingerprint).not.toBe(first.fingerprint);
    expect(changed.dependencyFingerprint).toBe(first.dependencyFingerprint);
  });
});

describe("versions read from git", () => {
  it("follows setuptools-scm's default scheme", async () => {
    const { scmVersionFrom } = await import("../../src/project/scm-version.js");
    expect(scmVersionFrom("v8.5.0-0-gabc1234", 40, "abc1234", false)).toBe("8.5.0");
    expect(scmVersionFrom("v8.5.0-3-gabc1234", 43, "abc1234", false)).toBe("8.5.1.dev3+gabc1234");
    expect(scmVersionFrom("1.2-0-gabc1234", 9, "abc1234", true)).toBe("1.3.dev0+gabc1234.dirty");
    expect(scmVersionFrom("", 12, "abc1234", false)).toBe("0.1.dev12+gabc1234");
  });
});
