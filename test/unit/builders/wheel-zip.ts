// Wheels made in the test with a real zip writer (yazl), then bent the way a broken or hostile build
// would bend them: a RECORD that lies, names a zip writer refuses to write, patched headers.
import { createHash } from "node:crypto";
import { ZipFile } from "yazl";

export interface WheelMember {
  name: string;
  data: Buffer | string;
  /** Unix mode, e.g. 0o120777 for a symbolic link. */
  mode?: number;
  compress?: boolean;
}

export function recordHash(data: Buffer | string): string {
  return `sha256=${createHash("sha256").update(data).digest("base64url")}`;
}

/** A RECORD line per member, then RECORD's own line with no hash and no size. */
export function recordText(members: readonly WheelMember[], recordPath: string): string {
  const lines = members.map(
    (member) => `${member.name},${recordHash(member.data)},${Buffer.byteLength(member.data)}`,
  );
  return `${[...lines, `${recordPath},,`].join("\n")}\n`;
}

export interface WheelSpec {
  name?: string;
  version?: string;
  /** Members besides the dist-info files. */
  files?: WheelMember[];
  metadata?: string;
  /** The WHEEL file's text. */
  wheel?: string;
  /** Changes the RECORD text before it is written. */
  editRecord?: (record: string) => string;
  /** Members added after RECORD was computed. */
  extra?: WheelMember[];
}

/** The members of a sound wheel `<name>-<version>-py3-none-any.whl`, RECORD computed from them. */
export function wheelMembers(spec: WheelSpec = {}): WheelMember[] {
  const name = spec.name ?? "demo_pkg";
  const version = spec.version ?? "1.0";
  const distInfo = `${name}-${version}.dist-info`;
  const files: WheelMember[] = spec.files ?? [
    { name: "demo_pkg/__init__.py", data: "VALUE = 1\n" },
    { name: "demo_pkg/data.bin", data: Buffer.alloc(100_000, 7) },
  ];
  const listed: WheelMember[] = [
    ...files,
    {
      name: `${distInfo}/METADATA`,
      data:
        spec.metadata ??
        `Metadata-Version: 2.1\nName: ${name.replace(/_/g, "-")}\nVersion: ${version}\nSummary: A demo\n` +
          "Requires-Dist: requests>=2\nRequires-Dist: pytest; extra == 'test'\nProvides-Extra: test\n" +
          "Classifier: License :: OSI Approved :: MIT License\nClassifier: Programming Language :: Python\n" +
          "License: MIT\n        with a second line\nRequires-Python: >=3.9\n\nThe description.\n",
    },
    {
      name: `${distInfo}/WHEEL`,
      data: spec.wheel ?? "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    },
  ];
  const recordPath = `${distInfo}/RECORD`;
  const record = recordText(listed, recordPath);
  return [...listed, { name: recordPath, data: spec.editRecord?.(record) ?? record }, ...(spec.extra ?? [])];
}

/** The zip's bytes, members in order (a name ending in `/` is a folder entry, not in RECORD). */
export async function zipBytes(members: readonly WheelMember[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const member of members) {
    if (member.name.endsWith("/")) {
      zip.addEmptyDirectory(member.name, { mtime: new Date(2020, 0, 1) });
      continue;
    }
    zip.addBuffer(Buffer.from(member.data), member.name, {
      compress: member.compress ?? true,
      mtime: new Date(2020, 0, 1),
      ...(member.mode === undefined ? {} : { mode: member.mode }),
    });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Replaces a member name in the zip's bytes (a zip writer refuses `../x` or `/x`: write a
 * placeholder of the same length, then rename it). `which`: every occurrence, or only the first
 * (the local header) so that it disagrees with the central directory.
 */
export function renameInZip(
  zip: Buffer,
  from: string,
  to: string,
  which: "all" | "local-only" = "all",
): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error("names must have the same length");
  const result = Buffer.from(zip);
  const needle = Buffer.from(from);
  let at = result.indexOf(needle);
  if (at === -1) throw new Error(`${from} is not in the zip`);
  while (at !== -1) {
    result.write(to, at);
    if (which === "local-only") break;
    at = result.indexOf(needle, at + 1);
  }
  return result;
}

/** Overwrites the central directory's uncompressed size of the member `name`. */
export function declareUncompressedSize(zip: Buffer, name: string, size: number): Buffer {
  const result = Buffer.from(zip);
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = result.indexOf(signature); at !== -1; at = result.indexOf(signature, at + 4)) {
    const nameLength = result.readUInt16LE(at + 28);
    if (result.toString("utf8", at + 46, at + 46 + nameLength) === name) {
      result.writeUInt32LE(size, at + 24);
      return result;
    }
  }
  throw new Error(`${name} is not in the central directory`);
}
