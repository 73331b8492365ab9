// A fetched wheel the builder names by a path in one of the host's own local index folders: read
// there by the host, only inside a folder the host offered (links resolved), under its own name.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UntrustedOutputError } from "../../src/errors.js";
import type { ReceivedFile, ReceivedOutput } from "../../src/execute/builder-output.js";
import { EarlyHostFiles, takeHostFiles } from "../../src/execute/host-files.js";
import { DEFAULT_OUTPUT_LIMITS } from "../../src/execute/output-limits.js";

const dir = mkdtempSync(path.join(tmpdir(), "wheelwright-hostfiles-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let runs = 0;
const DEP = "tinydep-2.0-py3-none-any.whl";

function world() {
  const root = path.join(dir, `run-${runs++}`);
  const index = path.join(root, "index");
  mkdirSync(path.join(index, "files"), { recursive: true });
  const bytes = Buffer.from(`wheel bytes ${runs}`);
  writeFileSync(path.join(index, "files", DEP), bytes);
  mkdirSync(path.join(root, "index-other"), { recursive: true });
  writeFileSync(path.join(root, "index-other", DEP), "other");
  writeFileSync(path.join(root, "secret"), "not a wheel");
  const intoDir = path.join(root, "incoming");
  mkdirSync(intoDir, { recursive: true });
  const output = (at: string, more: ReceivedFile[] = []): ReceivedOutput => ({
    files: more,
    report: { wheels: [{ filename: DEP, folder: "deps", origin: "fetched", sets: ["runtime"], at }] },
  });
  return { root, index, bytes, intoDir, output };
}

describe("wheels read from the host's own local index folders", () => {
  it("are copied from the host's file, hashed where they land and told to the early check", async () => {
    const { index, bytes, intoDir, output } = world();
    const told: string[] = [];
    const at = path.join(index, "files", DEP);
    const { output: taken, taken: count } = await takeHostFiles(output(at), [index], intoDir, (f) =>
      told.push(f.filename),
    );
    expect(count).toBe(1);
    expect(told).toEqual([DEP]);
    const file = taken.files[0]!;
    expect(file).toMatchObject({ folder: "deps", filename: DEP, size: bytes.length });
    expect(file.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(readFileSync(file.path).equals(bytes)).toBe(true);
    expect(file.path).toBe(path.join(intoDir, "deps", DEP));
  });

  it("a path outside the offered folders, not normalised, relative, or of another name is refused", async () => {
    const { root, index, intoDir, output } = world();
    const link = path.join(index, "files", `linked-${DEP}`);
    symlinkSync(path.join(root, "secret"), path.join(index, "files", "escape.whl"));
    symlinkSync(path.join(root, "index-other", DEP), link);
    for (const at of [
      path.join(root, "index-other", DEP), // a sibling folder whose name starts like the index's
      `${index}/files/../files/${DEP}`,
      `files/${DEP}`,
      path.join(index, "files", "escape.whl"), // another name (and a link out)
      path.join(root, "secret"),
    ]) {
      const error = await takeHostFiles(output(at), [index], intoDir).catch((e: unknown) => e);
      expect(error, at).toBeInstanceOf(UntrustedOutputError);
    }
    expect(existsSync(path.join(intoDir, "deps", DEP))).toBe(false);
  });

  it("a link inside an offered folder that leads out of it is refused", async () => {
    const { root, index, intoDir, output } = world();
    const inside = path.join(index, "links");
    mkdirSync(inside);
    symlinkSync(path.join(root, "index-other", DEP), path.join(inside, DEP));
    const error = await takeHostFiles(output(path.join(inside, DEP)), [index], intoDir).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UntrustedOutputError);
    expect((error as Error).message).toContain("no file of a local index the host offered");
  });

  it("a wheel both handed over and named on the host is refused", async () => {
    const { index, intoDir, output } = world();
    const handed: ReceivedFile = {
      folder: "deps",
      filename: DEP,
      path: "/x",
      size: 1,
      sha256: "0".repeat(64),
    };
    const error = await takeHostFiles(
      output(path.join(index, "files", DEP), [handed]),
      [index],
      intoDir,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UntrustedOutputError);
  });
});

describe("the host's early copies of its own files the builder hints at", () => {
  it("a hinted file is copied and its check started at once; the report's entry then takes that copy", async () => {
    const { index, bytes, intoDir, output } = world();
    const told: ReceivedFile[] = [];
    const early = new EarlyHostFiles(`${intoDir}.host`, (file) => told.push(file));
    early.offer([index], [], DEFAULT_OUTPUT_LIMITS);
    const at = path.join(index, "files", DEP);
    early.hint(at);
    early.hint(at); // a second hint of one file: one copy
    await early.settled(); // each copy is told to onFile once hashed
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ folder: "deps", filename: DEP, size: bytes.length });
    expect(told[0]!.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(readFileSync(told[0]!.path).equals(bytes)).toBe(true);

    const later: string[] = [];
    const { output: taken, taken: count } = await takeHostFiles(
      output(at),
      [index],
      intoDir,
      (f) => later.push(f.filename),
      early,
    );
    expect(count).toBe(1);
    expect(later).toEqual([]); // its check is the one already under way
    const file = taken.files[0]!;
    expect(file.path).toBe(path.join(intoDir, "deps", DEP));
    expect(file.sha256).toBe(told[0]!.sha256);
    expect(statSync(file.path).ino).toBe(statSync(told[0]!.path).ino); // the same bytes, linked
    early.dispose();
    expect(existsSync(`${intoDir}.host`)).toBe(false);
    expect(readFileSync(file.path).equals(bytes)).toBe(true);
  });

  it("hints outside the offered folders, of held wheels, or of no wheel are ignored", async () => {
    const { root, index, intoDir } = world();
    const told: ReceivedFile[] = [];
    const early = new EarlyHostFiles(`${intoDir}.host`, (file) => told.push(file));
    early.hint(path.join(index, "files", DEP)); // nothing offered yet
    early.offer([index], [DEP], DEFAULT_OUTPUT_LIMITS);
    symlinkSync(path.join(root, "secret"), path.join(index, "files", "escape-1.0-py3-none-any.whl"));
    writeFileSync(path.join(index, "files", "notes.txt"), "x");
    for (const at of [
      path.join(index, "files", DEP), // held: the store has it
      path.join(root, "index-other", DEP),
      `${index}/files/../files/${DEP}`,
      path.join(index, "files", "escape-1.0-py3-none-any.whl"), // a link out of the folder
      path.join(index, "files", "notes.txt"),
      path.join(root, "secret"),
    ])
      early.hint(at);
    // Taking a hint makes the copies' folder at once (before its copy is awaited): none was made.
    expect(told).toEqual([]);
    expect(existsSync(`${intoDir}.host`)).toBe(false);
    early.dispose();
  });

  it("an early copy of another file than the report's entry names is not taken", async () => {
    const { root, index, intoDir, output } = world();
    const told: ReceivedFile[] = [];
    const early = new EarlyHostFiles(`${intoDir}.host`, (file) => told.push(file));
    const second = path.join(root, "index2");
    mkdirSync(second);
    writeFileSync(path.join(second, DEP), "the second folder's bytes");
    early.offer([index, second], [], DEFAULT_OUTPUT_LIMITS);
    early.hint(path.join(second, DEP));
    await early.settled(); // each copy is told to onFile once hashed
    expect(told).toHaveLength(1);
    const later: ReceivedFile[] = [];
    const at = path.join(index, "files", DEP);
    const { output: taken } = await takeHostFiles(
      output(at),
      [index, second],
      intoDir,
      (f) => later.push(f),
      early,
    );
    expect(later.map((f) => f.filename)).toEqual([DEP]); // copied now, and checked anew
    expect(readFileSync(taken.files[0]!.path, "utf8")).toMatch(/^wheel bytes/);
    early.dispose();
    expect(readdirSync(intoDir)).toEqual(["deps"]);
  });

  it("the output's limits hold for the host's files too: hints past them are not copied, a report past them is refused", async () => {
    const { root, index, bytes, intoDir, output } = world();
    const told: ReceivedFile[] = [];
    const early = new EarlyHostFiles(`${intoDir}.host`, (file) => told.push(file));
    const other = "other-1.0-py3-none-any.whl";
    writeFileSync(path.join(index, "files", other), "x".repeat(bytes.length));
    // Room for one of the two files: the second hint is ignored.
    const limits = { maxFiles: 10, maxFileBytes: 1024, maxTotalBytes: bytes.length + 1 };
    early.offer([index], [], limits);
    early.hint(path.join(index, "files", DEP));
    early.hint(path.join(index, "files", other));
    await early.settled();
    expect(told.map((f) => f.filename)).toEqual([DEP]);
    early.dispose();
    // A handed-over file and the host's file together pass the total: refused before any copy.
    const handed: ReceivedFile = {
      folder: "deps",
      filename: "x-1.0-py3-none-any.whl",
      path: "/x",
      size: 2,
      sha256: "0".repeat(64),
    };
    const error = await takeHostFiles(
      output(path.join(index, "files", DEP), [handed]),
      [index],
      intoDir,
      undefined,
      undefined,
      limits,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UntrustedOutputError);
    expect((error as Error).message).toContain("passes its limit");
    expect(existsSync(path.join(intoDir, "deps", DEP))).toBe(false);
    expect(readdirSync(root)).not.toContain("incoming.host");
  });
});
