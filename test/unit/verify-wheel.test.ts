import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { IntegrityError } from "../../src/errors.js";
import { verifyWheel } from "../../src/execute/verify-wheel.js";
import {
  declareUncompressedSize,
  recordHash,
  renameInZip,
  type WheelMember,
  type WheelSpec,
  wheelMembers,
  zipBytes,
} from "./builders/wheel-zip.js";

const dir = mkdtempSync(path.join(tmpdir(), "wheelwright-wheels-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILENAME = "demo_pkg-1.0-py3-none-any.whl";
const DIST_INFO = "demo_pkg-1.0.dist-info";
let counter = 0;

/** Writes the wheel under its wheel file name, in a folder of its own. */
function writeWheel(bytes: Buffer, filename = FILENAME): string {
  const folder = path.join(dir, String(counter++));
  mkdirSync(folder);
  const file = path.join(folder, filename);
  writeFileSync(file, bytes);
  return file;
}

async function wheelFile(spec: WheelSpec | WheelMember[], filename = FILENAME): Promise<string> {
  const members = Array.isArray(spec) ? spec : wheelMembers(spec);
  return writeWheel(await zipBytes(members), filename);
}

async function refusal(file: string, expectedFilename?: string): Promise<IntegrityError> {
  const error = await verifyWheel(file, expectedFilename).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, "the wheel must be refused").toBeInstanceOf(IntegrityError);
  expect((error as IntegrityError).exitCode).toBe(7);
  expect((error as IntegrityError).hint).toMatch(/build it again/);
  return error as IntegrityError;
}

/** The error names the wheel, then the member, then the rule. */
async function refusedFor(file: string, member: string, rule: RegExp): Promise<void> {
  const error = await refusal(file);
  expect(error.message.startsWith(`${path.basename(file)}: ${member}: `), error.message).toBe(true);
  expect(error.message).toMatch(rule);
}

describe("verifyWheel accepts", () => {
  it("a sound wheel, and reads its metadata", async () => {
    const file = await wheelFile({});
    const verified = await verifyWheel(file);
    expect(verified).toEqual({
      filename: FILENAME,
      name: "demo-pkg",
      version: "1.0",
      sha256: createHash("sha256").update(readFileSync(file)).digest("hex"),
      size: statSync(file).size,
      requiresDist: ["requests>=2", "pytest; extra == 'test'"],
      providesExtra: ["test"],
      tags: { python: ["py3"], abi: ["none"], platform: ["any"] },
      metadata: {
        summary: "A demo",
        license: "MIT\nwith a second line",
        requiresPython: ">=3.9",
        classifiers: ["License :: OSI Approved :: MIT License", "Programming Language :: Python"],
      },
    });
  });

  it("a wheel stored under another name, verified against the name it was given", async () => {
    const file = await wheelFile({}, "0123abcd.whl");
    expect((await verifyWheel(file, FILENAME)).filename).toBe(FILENAME);
  });

  it("versions and names that normalise to the file name's", async () => {
    const file = await wheelFile(
      {
        name: "Demo.Pkg",
        version: "1.0.post1",
        metadata: "Metadata-Version: 2.1\nName: demo_pkg\nVersion: 1.0-1\n",
      },
      "Demo.Pkg-1.0.post1-py3-none-any.whl",
    );
    const verified = await verifyWheel(file);
    expect(verified.name).toBe("demo-pkg");
    expect(verified.version).toBe("1.0-1");
  });

  it("a RECORD that writes its digests in hex (some real wheels do): still compared in full", async () => {
    const hex = (data: string) => `sha256=${createHash("sha256").update(data).digest("hex")}`;
    const good = await wheelFile({
      editRecord: (record) => record.replace(recordHash("VALUE = 1\n"), hex("VALUE = 1\n")),
    });
    await expect(verifyWheel(good)).resolves.toMatchObject({ name: "demo-pkg" });
    const lying = await wheelFile({
      editRecord: (record) => record.replace(recordHash("VALUE = 1\n"), hex("VALUE = 2\n")),
    });
    await refusedFor(lying, "demo_pkg/__init__.py", /sha256 does not match RECORD/);
  });

  it("stored (uncompressed) members and folder entries", async () => {
    const members = wheelMembers({
      files: [{ name: "demo_pkg/plain.txt", data: "stored\n", compress: false }],
    });
    const file = await wheelFile([{ name: "demo_pkg/", data: "" }, ...members]);
    await expect(verifyWheel(file)).resolves.toMatchObject({ name: "demo-pkg" });
  });
});

describe("verifyWheel refuses", () => {
  it("a RECORD that lies about a hash", async () => {
    const file = await wheelFile({
      editRecord: (record) => record.replace(recordHash("VALUE = 1\n"), recordHash("VALUE = 2\n")),
    });
    await refusedFor(file, "demo_pkg/__init__.py", /sha256 does not match RECORD/);
  });

  it("a RECORD that lies about a size", async () => {
    const file = await wheelFile({
      editRecord: (record) =>
        record.replace(`${recordHash("VALUE = 1\n")},10`, `${recordHash("VALUE = 1\n")},11`),
    });
    await refusedFor(file, "demo_pkg/__init__.py", /10 bytes, RECORD says 11/);
  });

  it("a member missing from RECORD", async () => {
    const file = await wheelFile({ extra: [{ name: "demo_pkg/sneaky.py", data: "import os\n" }] });
    await refusedFor(file, "demo_pkg/sneaky.py", /not listed in RECORD/);
  });

  it("a RECORD row for a member that is not there", async () => {
    const file = await wheelFile({
      editRecord: (record) => `${record}demo_pkg/gone.py,${recordHash("x")},1\n`,
    });
    await refusedFor(file, "demo_pkg/gone.py", /listed in RECORD .* but not in the wheel/);
  });

  it("a RECORD row with a weak hash", async () => {
    const file = await wheelFile({
      editRecord: (record) => record.replace(recordHash("VALUE = 1\n"), "md5=aGVsbG8"),
    });
    await refusedFor(file, "demo_pkg/__init__.py", /RECORD uses md5/);
  });

  it("a member whose name climbs out (../evil.py)", async () => {
    const zip = await zipBytes(wheelMembers({ extra: [{ name: "xx/evil.py", data: "x" }] }));
    const file = writeWheel(renameInZip(zip, "xx/evil.py", "../evil.py"));
    await refusedFor(file, "../evil.py", /leaves the install folder/);
  });

  it("an absolute member name (/abs.py)", async () => {
    const zip = await zipBytes(wheelMembers({ extra: [{ name: "Xabs.py", data: "x" }] }));
    const file = writeWheel(renameInZip(zip, "Xabs.py", "/abs.py"));
    await refusedFor(file, "/abs.py", /absolute path/);
  });

  it("a member name with a backslash or a NUL", async () => {
    const zip = await zipBytes(wheelMembers({ extra: [{ name: "a_b.py", data: "x" }] }));
    await refusedFor(writeWheel(renameInZip(zip, "a_b.py", "a\\b.py")), "a\\\\b.py", /backslash/);
    await refusedFor(writeWheel(renameInZip(zip, "a_b.py", "a\0b.py")), "a\\u0000b.py", /control character/);
  });

  it("a duplicate member", async () => {
    const members = wheelMembers();
    const file = await wheelFile([...members, { name: "demo_pkg/__init__.py", data: "VALUE = 1\n" }]);
    await refusedFor(file, "demo_pkg/__init__.py", /duplicate member/);
  });

  it("a symbolic link member", async () => {
    const file = await wheelFile({
      extra: [{ name: "demo_pkg/link.py", data: "/etc/passwd", mode: 0o120777 }],
    });
    await refusedFor(file, "demo_pkg/link.py", /symbolic link/);
  });

  it("a local header that names another file than the central directory", async () => {
    const zip = await zipBytes(wheelMembers({ extra: [{ name: "demo_pkg/one.py", data: "x" }] }));
    const file = writeWheel(renameInZip(zip, "demo_pkg/one.py", "demo_pkg/two.py", "local-only"));
    await refusedFor(file, "demo_pkg/one.py", /local header names another file/);
  });

  it("a member whose bytes were changed (CRC-32)", async () => {
    const zip = await zipBytes(
      wheelMembers({ files: [{ name: "demo_pkg/plain.txt", data: "original text", compress: false }] }),
    );
    const bytes = Buffer.from(zip);
    bytes.write("ORIGINAL", bytes.indexOf("original text"));
    await refusedFor(writeWheel(bytes), "demo_pkg/plain.txt", /CRC-32 does not match/);
  });

  it("a changed byte in a member too big to read in one piece (streamed)", async () => {
    const big = randomBytes(3 * 1024 * 1024);
    const members = wheelMembers({ files: [{ name: "demo_pkg/big.bin", data: big, compress: false }] });
    const sound = await zipBytes(members);
    await expect(verifyWheel(writeWheel(sound))).resolves.toMatchObject({ name: "demo-pkg" });
    const bent = Buffer.from(sound);
    const at = bent.indexOf(big.subarray(0, 64)) + 2 * 1024 * 1024;
    bent[at] = bent[at]! ^ 0xff;
    await refusedFor(writeWheel(bent), "demo_pkg/big.bin", /CRC-32 does not match/);
  });

  it("a zip bomb by ratio, from the directory alone", async () => {
    const zip = await zipBytes(
      wheelMembers({ extra: [{ name: "demo_pkg/bomb.bin", data: Buffer.alloc(1000) }] }),
    );
    const file = writeWheel(declareUncompressedSize(zip, "demo_pkg/bomb.bin", 3 * 1024 ** 3));
    await refusedFor(file, "demo_pkg/bomb.bin", /over 1000:1/);
  });

  it("two .dist-info folders", async () => {
    const file = await wheelFile({
      extra: [{ name: "other-2.0.dist-info/METADATA", data: "Name: other\n" }],
    });
    const error = await refusal(file);
    expect(error.message).toBe(
      `${FILENAME}: more than one .dist-info folder: demo_pkg-1.0.dist-info, other-2.0.dist-info`,
    );
  });

  it("no .dist-info folder", async () => {
    const file = await wheelFile([{ name: "demo_pkg/__init__.py", data: "" }]);
    expect((await refusal(file)).message).toBe(`${FILENAME}: no .dist-info folder`);
  });

  it("a .dist-info folder named after another version", async () => {
    const file = await wheelFile({ version: "2.0" }, FILENAME);
    await refusedFor(file, "demo_pkg-2.0.dist-info/", /does not match the file name's demo-pkg 1.0/);
  });

  it("METADATA whose name or version disagrees with the file name", async () => {
    const named = await wheelFile({ metadata: "Metadata-Version: 2.1\nName: other\nVersion: 1.0\n" });
    await refusedFor(named, `${DIST_INFO}/METADATA`, /Name other is not the file name's demo_pkg/);
    const versioned = await wheelFile({
      metadata: "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0.0\n",
    });
    await refusedFor(versioned, `${DIST_INFO}/METADATA`, /Version 1.0.0 is not the file name's 1.0/);
  });

  it("a wheel without METADATA, WHEEL or RECORD", async () => {
    for (const missing of ["METADATA", "WHEEL", "RECORD"]) {
      const members = wheelMembers().filter((member) => member.name !== `${DIST_INFO}/${missing}`);
      await refusedFor(await wheelFile(members), `${DIST_INFO}/${missing}`, /missing/);
    }
  });

  it("a WHEEL of a major version installers do not know", async () => {
    const file = await wheelFile({ wheel: "Wheel-Version: 2.0\n" });
    await refusedFor(file, `${DIST_INFO}/WHEEL`, /Wheel-Version 2.0 \(only 1.x is known\)/);
  });

  it("a truncated zip, and bytes after its end record", async () => {
    const zip = await zipBytes(wheelMembers());
    const truncated = await refusal(writeWheel(zip.subarray(0, zip.length - 200)));
    expect(truncated.message).toMatch(new RegExp(`^${FILENAME}: not a sound zip archive`));
    const trailing = await refusal(writeWheel(Buffer.concat([zip, Buffer.from("junk after the end")])));
    expect(trailing.message).toMatch(/not a sound zip archive/);
  });

  it("a file that is not a wheel by name", async () => {
    const file = await wheelFile({}, "demo_pkg-1.0.zip");
    expect((await refusal(file)).message).toBe("demo_pkg-1.0.zip: not a valid wheel file name");
  });
});

const LOCAL_INDEX = "/opt/pypi/files";
describe.skipIf(!existsSync(LOCAL_INDEX))("verifyWheel on the machine's real wheels", () => {
  // A pure-Python framework, a C extension (abi3 and cp311), a compressed tag set, a two-tag wheel.
  const wanted = [/^django-/, /^cffi-/, /^cryptography-/, /^six-/, /^sqlparse-/];
  const names = readdirSync(LOCAL_INDEX)
    .filter((name) => name.endsWith(".whl") && wanted.some((pattern) => pattern.test(name)))
    .sort();

  it("finds some to check", () => {
    expect(names.length).toBeGreaterThanOrEqual(wanted.length);
  });

  it.each(names)("%s verifies cleanly", async (name) => {
    const file = path.join(LOCAL_INDEX, name);
    const verified = await verifyWheel(file);
    expect(verified.filename).toBe(name);
    expect(verified.sha256).toBe(createHash("sha256").update(readFileSync(file)).digest("hex"));
    expect(verified.size).toBe(statSync(file).size);
    expect(name.toLowerCase().startsWith(verified.name.replace(/-/g, "_"))).toBe(true);
    expect(verified.tags.platform.length).toBeGreaterThan(0);
  });

  it("reads Django's requirements from its METADATA", async () => {
    const django = names.find((name) => name.startsWith("django-"));
    expect(django).toBeDefined();
    const verified = await verifyWheel(path.join(LOCAL_INDEX, django!));
    expect(verified.requiresDist.some((requirement) => requirement.startsWith("asgiref"))).toBe(true);
    expect(verified.metadata.classifiers).toContain("Framework :: Django");
  });
});
