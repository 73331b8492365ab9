import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { UntrustedOutputError } from "../../src/errors.js";
import {
  DEFAULT_OUTPUT_LIMITS,
  type OutputLimits,
  receiveBuilderOutput,
} from "../../src/execute/builder-output.js";
import { OUTPUT_FOLDERS, rewriteChecksum, streamOf, type TarEntry, tarBytes } from "./builders/tar-stream.js";

const root = mkdtempSync(path.join(tmpdir(), "wheelwright-output-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let base: string;
let staging: string;
let intoDir: string;
beforeEach((context) => {
  base = path.join(root, context.task.id);
  staging = path.join(base, "project", ".wheelhouse.staging-run");
  mkdirSync(staging, { recursive: true });
  writeFileSync(path.join(base, "project", "setup.py"), "print('the project')\n");
  intoDir = path.join(staging, "raw");
});

/** Every path under `dir`, with its kind and size: what "nothing else changed" is checked against. */
function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((entry) => {
      const full = path.join(entry.parentPath, entry.name);
      const stat = statSync(full);
      return `${path.relative(dir, full)} ${entry.isDirectory() ? "dir" : `${stat.size}`}`;
    })
    .sort();
}

const wheel = (name: string) => `${name}-1.0-py3-none-any.whl`;
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

async function refusal(entries: readonly TarEntry[] | Buffer, limits: OutputLimits = DEFAULT_OUTPUT_LIMITS) {
  const before = listTree(base);
  const bytes = Buffer.isBuffer(entries) ? entries : tarBytes(entries);
  const error = await receiveBuilderOutput(streamOf(bytes), intoDir, limits).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, "the receiver must refuse this archive").toBeInstanceOf(Error);
  expect(existsSync(intoDir), "intoDir is removed after a refusal").toBe(false);
  expect(listTree(base), "nothing changed beside intoDir").toEqual(before);
  return error as Error;
}

async function violation(
  entries: readonly TarEntry[] | Buffer,
  entry: string,
  rule: RegExp,
  limits?: OutputLimits,
) {
  const error = await refusal(entries, limits);
  expect(error).toBeInstanceOf(UntrustedOutputError);
  expect((error as UntrustedOutputError).exitCode).toBe(12);
  expect(error.message.startsWith(entry), error.message).toBe(true);
  expect(error.message).toMatch(rule);
  expect((error as UntrustedOutputError).hint).toMatch(/build step.*previous wheelhouse is intact/s);
  return error;
}

describe("receiveBuilderOutput accepts", () => {
  it("the builder's folders, wheels and report, written by this process", async () => {
    const app = randomBytes(70_000);
    const dep = randomBytes(300_000);
    const report = { app: "polls", wheels: [] };
    const received = await receiveBuilderOutput(
      streamOf(
        tarBytes([
          ...OUTPUT_FOLDERS,
          { path: `out/app/${wheel("polls")}`, body: app },
          { path: `out/deps/${wheel("django")}`, body: dep },
          { path: "out/deps/empty-1.0-py3-none-any.whl", body: "" },
          { path: "out/report.json", body: JSON.stringify(report) },
        ]),
        1000,
      ),
      intoDir,
      DEFAULT_OUTPUT_LIMITS,
    );
    expect(received.report).toEqual(report);
    expect(
      received.files.map(({ folder, filename, size, sha256, path }) => ({
        folder,
        filename,
        size,
        sha256,
        path,
      })),
    ).toEqual([
      {
        folder: "app",
        filename: wheel("polls"),
        size: app.length,
        sha256: sha256(app),
        path: path.join(intoDir, "app", wheel("polls")),
      },
      {
        folder: "deps",
        filename: wheel("django"),
        size: dep.length,
        sha256: sha256(dep),
        path: path.join(intoDir, "deps", wheel("django")),
      },
      {
        folder: "deps",
        filename: "empty-1.0-py3-none-any.whl",
        size: 0,
        sha256: sha256(""),
        path: path.join(intoDir, "deps", "empty-1.0-py3-none-any.whl"),
      },
    ]);
    expect(statSync(intoDir).mode & 0o777).toBe(0o700);
    for (const file of received.files) {
      const stat = statSync(file.path);
      expect(stat.mode & 0o777).toBe(0o644);
      expect(stat.uid).toBe(process.getuid?.());
      expect(stat.size).toBe(file.size);
    }
    expect(readdirSync(intoDir).sort()).toEqual(["app", "deps"]);
  });

  it("a long wheel name through a GNU long-name header, and an absent report", async () => {
    const long = `${"a".repeat(180)}-1.0-py3-none-any.whl`;
    const received = await receiveBuilderOutput(
      streamOf(tarBytes([{ path: `out/deps/${long}`, body: "wheel", gnuLongName: true }])),
      intoDir,
      DEFAULT_OUTPUT_LIMITS,
    );
    expect(received.files.map((file) => file.filename)).toEqual([long]);
    expect(received.report).toBeUndefined();
  });

  it("a big wheel streamed in small chunks, its hash computed on the way", async () => {
    const big = randomBytes(5 * 1024 * 1024 + 3);
    const received = await receiveBuilderOutput(
      streamOf(tarBytes([{ path: `out/deps/${wheel("big")}`, body: big }]), 4096),
      intoDir,
      DEFAULT_OUTPUT_LIMITS,
    );
    expect(received.files[0]?.sha256).toBe(sha256(big));
  });

  it("only into a new folder, and leaves an existing one alone", async () => {
    mkdirSync(intoDir);
    writeFileSync(path.join(intoDir, "keep"), "mine");
    await expect(
      receiveBuilderOutput(streamOf(tarBytes(OUTPUT_FOLDERS)), intoDir, DEFAULT_OUTPUT_LIMITS),
    ).rejects.toThrow(/must be a new folder/);
    expect(readdirSync(intoDir)).toEqual(["keep"]);
  });
});

describe("receiveBuilderOutput refuses", () => {
  const marker = `wheelwright-escape-${process.pid}-${Date.now()}`;

  it("a path that climbs out of the output folder", async () => {
    await violation(
      [...OUTPUT_FOLDERS, { path: `out/deps/../../../${marker}.whl`, body: "x" }],
      `out/deps/../../../${marker}.whl`,
      /leaves the output folder/,
    );
    expect(existsSync(path.join(staging, `${marker}.whl`))).toBe(false);
  });

  it("an absolute path", async () => {
    const target = path.join(tmpdir(), `${marker}-1.0-py3-none-any.whl`);
    await violation([{ path: target, body: "x" }], target, /absolute path/);
    expect(existsSync(target)).toBe(false);
  });

  it("a symbolic link named like a wheel, and the file written through it after", async () => {
    await violation(
      [
        ...OUTPUT_FOLDERS,
        { path: `out/deps/${wheel("evil")}`, type: "SymbolicLink", linkpath: "/etc/passwd" },
        { path: `out/deps/${wheel("evil")}`, body: "root::0:0::/:/bin/sh\n" },
      ],
      `out/deps/${wheel("evil")}`,
      /symbolic link/,
    );
  });

  it("a hard link named like a wheel", async () => {
    await violation(
      [{ path: `out/deps/${wheel("evil")}`, type: "Link", linkpath: "/etc/shadow" }],
      `out/deps/${wheel("evil")}`,
      /hard link/,
    );
  });

  it("a device", async () => {
    await violation(
      [{ path: `out/deps/${wheel("dev")}`, type: "CharacterDevice" }],
      `out/deps/${wheel("dev")}`,
      /character device/,
    );
  });

  it("a FIFO", async () => {
    await violation(
      [{ path: `out/deps/${wheel("fifo")}`, type: "FIFO" }],
      `out/deps/${wheel("fifo")}`,
      /FIFO/,
    );
  });

  it("a GNU sparse file", async () => {
    await violation(
      [{ path: `out/deps/${wheel("sparse")}`, type: "SparseFile", size: 0 }],
      `out/deps/${wheel("sparse")}`,
      /SparseFile/,
    );
  });

  it("a type tar does not know", async () => {
    await violation(
      [{ path: `out/deps/${wheel("odd")}`, typeflag: "Z" }],
      `out/deps/${wheel("odd")}`,
      /type/,
    );
  });

  it("a pax header that renames a good entry to ../x", async () => {
    await violation(
      [...OUTPUT_FOLDERS, { path: `out/deps/${wheel("good")}`, body: "x", pax: { path: `../${marker}` } }],
      `../${marker}`,
      /leaves the output folder/,
    );
    expect(existsSync(path.join(staging, marker))).toBe(false);
  });

  it("a pax header that tries to turn a symbolic link into a file", async () => {
    await violation(
      [
        {
          path: `out/deps/${wheel("evil")}`,
          type: "SymbolicLink",
          linkpath: "/etc/passwd",
          pax: { type: "0" },
        },
      ],
      `out/deps/${wheel("evil")}`,
      /symbolic link/,
    );
  });

  it("a GNU long name that climbs out", async () => {
    const name = `out/deps/${"a/".repeat(60)}../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../${marker}`;
    await violation(
      [{ path: name, body: "x", gnuLongName: true }],
      name.slice(0, 200),
      /leaves the output folder/,
    );
  });

  it("a duplicate entry", async () => {
    await violation(
      [
        { path: `out/deps/${wheel("twice")}`, body: "first" },
        { path: `out/deps/${wheel("twice")}`, body: "second" },
      ],
      `out/deps/${wheel("twice")}`,
      /duplicate/,
    );
  });

  it("a file that is not a wheel, or anywhere else", async () => {
    await violation([{ path: "out/junk.bin", body: "x" }], "out/junk.bin", /other than out\/report.json/);
    rmSync(intoDir, { recursive: true, force: true });
    await violation(
      [{ path: "out/deps/setup.py", body: "x" }],
      "out/deps/setup.py",
      /not a plain wheel file name/,
    );
    rmSync(intoDir, { recursive: true, force: true });
    await violation([{ path: "out/cache/", type: "Directory" }], "out/cache/", /folder other than/);
  });

  it("a name with a control character, printed escaped", async () => {
    await violation([{ path: "out/deps/a\nb.whl", body: "x" }], "out/deps/a\\x0ab.whl", /control character/);
  });

  it("a declared size over the per-file limit, before reading any of it", async () => {
    // 100 GiB declared and no body: refused from the header, so the missing body is never awaited.
    await violation(
      [{ path: `out/deps/${wheel("huge")}`, size: 100 * 1024 ** 3 }],
      `out/deps/${wheel("huge")}`,
      /over the limit of 2147483648 bytes per file/,
    );
  });

  it("a report over 16 MiB", async () => {
    const body = Buffer.alloc(16 * 1024 * 1024 + 1, 0x20);
    await violation(
      [{ path: "out/report.json", body }],
      "out/report.json",
      /over the limit of 16777216 bytes/,
    );
  });

  it("a report that is not JSON", async () => {
    await violation([{ path: "out/report.json", body: "{ not json" }], "out/report.json", /not valid JSON/);
  });

  it("more files than the limit", async () => {
    const limits = { ...DEFAULT_OUTPUT_LIMITS, maxFiles: 2 };
    await violation(
      ["a", "b", "c"].map((name) => ({ path: `out/deps/${wheel(name)}`, body: name })),
      `out/deps/${wheel("c")}`,
      /more than 2 files/,
      limits,
    );
  });

  it("more bytes in all than the limit, counted from the headers", async () => {
    const limits = { ...DEFAULT_OUTPUT_LIMITS, maxTotalBytes: 1000 };
    await violation(
      [
        { path: `out/deps/${wheel("a")}`, body: Buffer.alloc(600) },
        { path: `out/deps/${wheel("b")}`, size: 600 },
      ],
      `out/deps/${wheel("b")}`,
      /passes its limit of 1000 bytes in all/,
      limits,
    );
  });
});

describe("receiveBuilderOutput tells an unreadable archive apart", () => {
  async function unreadable(bytes: Buffer, reason: RegExp) {
    const error = await refusal(bytes);
    expect(error).toBeInstanceOf(UntrustedOutputError);
    expect(error.message).toMatch(/^The builder's output is not a readable archive: /);
    expect(error.message).toMatch(reason);
  }

  it("a body cut short (a huge declared size within the limit, then the stream ends)", async () => {
    const bytes = tarBytes([{ path: `out/deps/${wheel("cut")}`, size: 1024 ** 3, body: "" }], { end: false });
    await unreadable(
      Buffer.concat([bytes, Buffer.alloc(4096, 1)]),
      new RegExp(`${wheel("cut")}: Truncated input`),
    );
  });

  it("an archive without its end marker", async () => {
    await unreadable(
      tarBytes([{ path: `out/deps/${wheel("a")}`, body: "a" }], { end: false }),
      /end-of-archive/,
    );
  });

  it("a header with a bad checksum", async () => {
    const bytes = tarBytes([{ path: `out/deps/${wheel("a")}`, body: "a" }]);
    bytes[0] = "b".charCodeAt(0);
    await unreadable(bytes, /checksum/);
  });

  it("bytes that are not a tar at all, and nothing at all", async () => {
    await unreadable(randomBytes(4096), /.+/);
    await unreadable(Buffer.alloc(0), /Unrecognized archive format/);
  });

  it("more than 1 MiB after the end-of-archive marker (padding to a tar record is fine)", async () => {
    const archive = tarBytes([{ path: `out/deps/${wheel("a")}`, body: "a" }]);
    await unreadable(
      Buffer.concat([archive, Buffer.alloc(2 * 1024 * 1024)]),
      /more than 1 MiB after the end/,
    );
    const padded = Buffer.concat([archive, Buffer.alloc(10240 - (archive.length % 10240))]);
    const received = await receiveBuilderOutput(streamOf(padded), intoDir, DEFAULT_OUTPUT_LIMITS);
    expect(received.files).toHaveLength(1);
  });

  it("(the checksum helper itself writes valid headers)", async () => {
    const bytes = tarBytes([{ path: `out/deps/${wheel("a")}`, body: "a" }]);
    rewriteChecksum(bytes);
    const received = await receiveBuilderOutput(streamOf(bytes), intoDir, DEFAULT_OUTPUT_LIMITS);
    expect(received.files).toHaveLength(1);
  });
});

describe("receiveBuilderOutput when its source fails", () => {
  it("rethrows the source's own error and removes intoDir", async () => {
    const archive = tarBytes([
      { path: `out/deps/${wheel("a")}`, body: randomBytes(300_000) },
      { path: `out/deps/${wheel("b")}`, body: randomBytes(300_000) },
    ]);
    const copyDied = new Error("docker cp: the engine stopped answering");
    const source = Readable.from(
      (async function* () {
        yield archive.subarray(0, 400_000);
        throw copyDied;
      })(),
    );
    const before = listTree(base);
    await expect(receiveBuilderOutput(source, intoDir, DEFAULT_OUTPUT_LIMITS)).rejects.toBe(copyDied);
    expect(existsSync(intoDir)).toBe(false);
    expect(listTree(base)).toEqual(before);
  });
});
