// Issue 8: the wheelhouse is replaced whole by every build and emptied by `clean`, so a wheelhouse
// that is the project, holds its source, its images or .git, or already holds the user's files is
// refused by `loadProject` (exit 3), before anything is touched: the project stays as it was.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/load.js";
import { EXIT_CODES, InputError } from "../../src/errors.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project with a src layout (source `.`), its images folder and a stand-in .git. */
function makeProject(tool = ""): string {
  const root = mkdtempSync(path.join(tmpdir(), "wheelwright-location-"));
  made.push(root);
  const files: Record<string, string> = {
    "pyproject.toml": `[project]\nname = "located"\nversion = "1.0"\n\n[tool.wheelwright]\n${tool}`,
    "src/located/__init__.py": "VALUE = 1\n",
    "docker/builder/Dockerfile": "FROM scratch\n",
    ".git/HEAD": "ref: refs/heads/main\n",
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

/** Every file and folder under `dir` with its content's hash: "intact" is this, unchanged. */
function tree(dir: string, prefix = ""): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      result[`${prefix}${name}/`] = "dir";
      Object.assign(result, tree(full, `${prefix}${name}/`));
    } else result[`${prefix}${name}`] = createHash("sha256").update(readFileSync(full)).digest("hex");
  }
  return result;
}

function refusal(root: string, flags: Record<string, unknown>, env: Record<string, string> = {}) {
  try {
    loadProject({ cwd: root, env, flags });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("where the wheelhouse may be (loadProject)", () => {
  it.each([
    [".", /the project folder itself \(its config and \.git\)/],
    ["./", /the project folder itself/],
  ])("--wheelhouse %s: refused with exit 3 naming the project folder, the project intact", (where, why) => {
    const root = makeProject();
    const before = tree(root);
    const error = refusal(root, { wheelhouse: where });
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(EXIT_CODES.input);
    expect((error as InputError).exitCode).toBe(3);
    expect((error as Error).message).toMatch(why);
    expect((error as InputError).hint).toMatch(/a folder of its own/);
    expect(tree(root)).toEqual(before);
  });

  it("--wheelhouse src with source '.': refused, naming the user's files in it; the sources intact", () => {
    const root = makeProject();
    const before = tree(root);
    const error = refusal(root, { wheelhouse: "src" });
    expect((error as InputError).exitCode).toBe(3);
    expect((error as Error).message).toMatch(
      /wheelhouse: 'src' already holds files wheelwright did not write/,
    );
    expect((error as Error).message).toContain("located");
    expect(tree(root)).toEqual(before);
  });

  it("a wheelhouse holding the Python source (source 'src', wheelhouse 'src' or '.'): refused", () => {
    const root = makeProject('source = "src"\n');
    writeFileSync(path.join(root, "src", "pyproject.toml"), '[project]\nname = "located"\nversion = "1.0"\n');
    const before = tree(root);
    for (const where of ["src", "."]) {
      const error = refusal(root, { wheelhouse: where });
      expect((error as InputError).exitCode).toBe(3);
      expect((error as Error).message).toMatch(/the Python project's source/);
    }
    expect(tree(root)).toEqual(before);
  });

  it("the images folder, .git, or the same from the config file or the environment: refused", () => {
    const root = makeProject();
    const before = tree(root);
    expect((refusal(root, { wheelhouse: "docker" }) as Error).message).toMatch(/the images folder/);
    expect((refusal(root, { wheelhouse: ".git" }) as Error).message).toMatch(/did not write \(HEAD\)/);
    expect((refusal(root, {}, { WHEELWRIGHT_WHEELHOUSE: "." }) as InputError | undefined)?.exitCode).toBe(3);
    const fromFile = makeProject('wheelhouse = "."\n');
    expect((refusal(fromFile, {}) as InputError | undefined)?.exitCode).toBe(3);
    expect(tree(root)).toEqual(before);
  });

  it("a folder of its own is accepted, new or holding only what wheelwright writes", () => {
    const root = makeProject();
    expect(loadProject({ cwd: root, env: {}, flags: {} }).wheelhouseDir).toBe(path.join(root, "wheelhouse"));
    mkdirSync(path.join(root, "out", "wheels"), { recursive: true });
    for (const name of ["manifest.json", "requirements.txt", "sbom.cdx.json", "located-1.0-py3-none-any.whl"])
      writeFileSync(path.join(root, "out", "wheels", name), "");
    expect(loadProject({ cwd: root, env: {}, flags: { wheelhouse: "out/wheels" } }).wheelhouseDir).toBe(
      path.join(root, "out", "wheels"),
    );
  });
});
