// The package's bin (src/cli/launch.ts) runs the bundle with V8's code cache: a first run writes one
// file per command under XDG_CACHE_HOME/wheelwright/code-cache, a later run reads it and writes
// nothing, a cache V8 refuses (damaged, or made for other source) is made again, an older bundle's
// files go, and a cache folder that cannot be made costs nothing but the cache. No engine needed.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { CLI } from "../support/cli.js";
import { testRun } from "../support/test-run.js";

async function wheelwright(args: string[], cacheHome: string) {
  return execa(process.execPath, [CLI, ...args], {
    env: { XDG_CACHE_HOME: cacheHome },
    cwd: testRun().tempRoot,
    reject: false,
  });
}

const codeCache = (cacheHome: string) => path.join(cacheHome, "wheelwright", "code-cache");
const cacheFiles = (cacheHome: string) =>
  existsSync(codeCache(cacheHome)) ? readdirSync(codeCache(cacheHome)).sort() : [];

describe("the bin's code cache", () => {
  it("a first run writes the command's cache, a second reads it and writes nothing", async () => {
    const home = mkdtempSync(path.join(testRun().tempRoot, "code-cache-"));
    const first = await wheelwright(["info", "--help"], home);
    expect(first.exitCode, first.stderr).toBe(0);
    const files = cacheFiles(home);
    expect(files).toEqual([expect.stringMatching(new RegExp(`^${process.version}-\\d+-\\d+-info\\.bin$`))]);
    const file = path.join(codeCache(home), files[0]!);
    expect(statSync(file).size).toBeGreaterThan(1000);
    const written = statSync(file).mtimeMs;
    const bytes = readFileSync(file);

    const second = await wheelwright(["info", "--help"], home);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(file).mtimeMs).toBe(written);
    expect(readFileSync(file).equals(bytes)).toBe(true);

    // Another command gets its own file.
    const version = await wheelwright(["--version"], home);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(cacheFiles(home)).toHaveLength(2);
  });

  it("a damaged cache is refused by V8 and made again; an older bundle's files go", async () => {
    const home = mkdtempSync(path.join(testRun().tempRoot, "code-cache-"));
    const clean = await wheelwright(["info", "--help"], home);
    const [name] = cacheFiles(home);
    const file = path.join(codeCache(home), name!);
    writeFileSync(file, Buffer.alloc(4096, 7));
    const stale = path.join(codeCache(home), "v0.0.0-1-1-build.bin");
    writeFileSync(stale, "an older bundle's cache");

    const again = await wheelwright(["info", "--help"], home);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toBe(clean.stdout);
    expect(readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(existsSync(stale)).toBe(false);
  });

  it("a cache folder that cannot be made: the run still succeeds", async () => {
    const home = mkdtempSync(path.join(testRun().tempRoot, "code-cache-"));
    // XDG_CACHE_HOME/wheelwright is a file: no folder can be made under it (even for root).
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, "wheelwright"), "not a folder");
    const result = await wheelwright(["--version"], home);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(result.stderr).toBe("");
  });
});
