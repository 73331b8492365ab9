// Verifies a wheel as an installer would, and more strictly: a sound zip (wheel-zip.ts), exactly one
// .dist-info folder named after the file, METADATA, WHEEL and RECORD present, every member listed in
// RECORD with its hash and size, every RECORD row naming a member, and METADATA's Name and Version
// equal to the file name's. Used on every wheel: built, fetched, or restored from the store (issue 8).
import { createHash, type Hash } from "node:crypto";
import { statSync } from "node:fs";
import path from "node:path";
import { parseHeaderFields, readCoreMetadata } from "../domain/core-metadata.js";
import { normalizeName } from "../domain/names.js";
import { normalizeVersion } from "../domain/pep440.js";
import { parseWheelFilename, type WheelFilename } from "../domain/wheel-filename.js";
import { parseRecord, type RecordRow } from "../domain/wheel-record.js";
import { sha256File } from "../project/file-hash.js";
import { WheelZip, wheelIntegrityError, type ZipMember } from "./wheel-zip.js";

export interface VerifiedWheel {
  filename: string;
  /** PEP 503 normalised. */
  name: string;
  /** METADATA's Version as written (equal to the file name's in PEP 440 normal form). */
  version: string;
  sha256: string;
  size: number;
  requiresDist: string[];
  providesExtra: string[];
  tags: { python: string[]; abi: string[]; platform: string[] };
  metadata: {
    summary?: string;
    license?: string;
    licenseExpression?: string;
    classifiers: string[];
    requiresPython?: string;
  };
}

// RECORD may name these algorithms (the spec: sha256 or stronger; md5 and sha1 are refused).
const ACCEPTED_HASHES = new Set(["sha256", "sha384", "sha512"]);
// METADATA, WHEEL and RECORD are read into memory: bounded (a RECORD of 100k files is ~15 MiB).
const MAX_TEXT_MEMBER_BYTES = 64 * 1024 * 1024;
// Files a RECORD cannot list: itself, and its signatures.
const UNLISTED = ["RECORD", "RECORD.jws", "RECORD.p7s"];

/**
 * Verifies the wheel at `file`, named `expectedFilename` (default: the file's own name; the result
 * store keeps wheels under their hash). Throws IntegrityError (exit 7) naming the wheel and member.
 */
export async function verifyWheel(file: string, expectedFilename?: string): Promise<VerifiedWheel> {
  const filename = expectedFilename ?? path.basename(file);
  const parsed = parseWheelFilename(filename);
  if (parsed === undefined) throw wheelIntegrityError(filename, undefined, "not a valid wheel file name");
  const [sha256, contents] = await Promise.all([sha256File(file), verifyContents(file, parsed)]);
  return {
    filename,
    name: parsed.name,
    version: contents.version,
    sha256,
    size: statSync(file).size,
    requiresDist: contents.requiresDist,
    providesExtra: contents.providesExtra,
    tags: { python: parsed.pythonTags, abi: parsed.abiTags, platform: parsed.platformTags },
    metadata: contents.metadata,
  };
}

type Contents = Pick<VerifiedWheel, "version" | "requiresDist" | "providesExtra" | "metadata">;

async function verifyContents(file: string, wheel: WheelFilename): Promise<Contents> {
  const zip = await WheelZip.open(file, wheel.filename);
  try {
    const distInfo = findDistInfo(zip.members, wheel);
    const readText = async (name: string) => {
      const member = zip.members.find((candidate) => candidate.name === `${distInfo}/${name}`);
      if (member === undefined || member.isDirectory) {
        throw wheelIntegrityError(wheel.filename, `${distInfo}/${name}`, "missing");
      }
      if (member.size > MAX_TEXT_MEMBER_BYTES)
        throw wheelIntegrityError(wheel.filename, member.name, "too large");
      const chunks: Buffer[] = [];
      await zip.read(member, (chunk) => chunks.push(Buffer.from(chunk)));
      return Buffer.concat(chunks).toString("utf8");
    };
    const metadataText = await readText("METADATA");
    const wheelText = await readText("WHEEL");
    const recordText = await readText("RECORD");
    checkWheelVersion(wheelText, wheel.filename, `${distInfo}/WHEEL`);
    const record = parseRecord(recordText);
    if ("problem" in record) throw wheelIntegrityError(wheel.filename, `${distInfo}/RECORD`, record.problem);
    await checkRecord(zip, record.rows, distInfo, wheel.filename);
    return readMetadata(metadataText, wheel, `${distInfo}/METADATA`);
  } finally {
    zip.close();
  }
}

/** The one top-level `*.dist-info` folder, named `<name>-<version>` after the wheel. */
function findDistInfo(members: readonly ZipMember[], wheel: WheelFilename): string {
  const folders = new Set<string>();
  for (const member of members) {
    const slash = member.name.indexOf("/");
    const top = slash === -1 ? undefined : member.name.slice(0, slash);
    if (top?.endsWith(".dist-info")) folders.add(top);
  }
  const [folder, ...others] = [...folders].sort();
  if (folder === undefined) throw wheelIntegrityError(wheel.filename, undefined, "no .dist-info folder");
  if (others.length > 0) {
    throw wheelIntegrityError(
      wheel.filename,
      undefined,
      `more than one .dist-info folder: ${[folder, ...others].join(", ")}`,
    );
  }
  const stem = folder.slice(0, -".dist-info".length);
  const dash = stem.lastIndexOf("-");
  const sameName = dash > 0 && normalizeName(stem.slice(0, dash)) === wheel.name;
  const sameVersion = dash > 0 && normalizeVersion(stem.slice(dash + 1)) === normalizeVersion(wheel.version);
  if (!sameName || !sameVersion) {
    throw wheelIntegrityError(
      wheel.filename,
      `${folder}/`,
      `does not match the file name's ${wheel.name} ${wheel.version}`,
    );
  }
  return folder;
}

/** Installers abort on a Wheel-Version whose major version they do not know (the spec: 1). */
function checkWheelVersion(text: string, wheel: string, member: string): void {
  const version = parseHeaderFields(text).get("wheel-version")?.[0];
  if (version === undefined) throw wheelIntegrityError(wheel, member, "no Wheel-Version");
  if (!/^1(\.\d+)*$/.test(version))
    throw wheelIntegrityError(wheel, member, `Wheel-Version ${version} (only 1.x is known)`);
}

async function checkRecord(
  zip: WheelZip,
  rows: readonly RecordRow[],
  distInfo: string,
  wheel: string,
): Promise<void> {
  const record = `${distInfo}/RECORD`;
  const byPath = new Map<string, RecordRow>();
  for (const row of rows) {
    if (byPath.has(row.path))
      throw wheelIntegrityError(wheel, record, `line ${row.line} lists ${row.path} again`);
    byPath.set(row.path, row);
  }
  const files = zip.members.filter((member) => !member.isDirectory);
  const present = new Set(files.map((member) => member.name));
  for (const row of rows) {
    if (!present.has(row.path))
      throw wheelIntegrityError(wheel, row.path, `listed in RECORD (line ${row.line}) but not in the wheel`);
  }
  let count = 0;
  for (const member of files) {
    // Keep the event loop turning on a wheel of thousands of members (the CLI renders meanwhile).
    if (++count % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
    const unlisted = UNLISTED.some((name) => member.name === `${distInfo}/${name}`);
    const row = byPath.get(member.name);
    if (unlisted) {
      await zip.read(member, () => {}); // still checked: size and CRC-32
      continue;
    }
    if (row === undefined) throw wheelIntegrityError(wheel, member.name, "not listed in RECORD");
    if (row.hash === undefined || row.size === undefined) {
      throw wheelIntegrityError(wheel, member.name, `RECORD (line ${row.line}) gives no hash or no size`);
    }
    const algorithm = row.hash.algorithm.toLowerCase();
    if (!ACCEPTED_HASHES.has(algorithm)) {
      throw wheelIntegrityError(
        wheel,
        member.name,
        `RECORD uses ${row.hash.algorithm} (sha256 or stronger is required)`,
      );
    }
    const hash: Hash = createHash(algorithm);
    await zip.read(member, (chunk) => hash.update(chunk));
    if (member.size !== row.size) {
      throw wheelIntegrityError(wheel, member.name, `${member.size} bytes, RECORD says ${row.size}`);
    }
    if (!sameDigest(hash.digest(), row.hash.digest)) {
      throw wheelIntegrityError(wheel, member.name, `its ${algorithm} does not match RECORD`);
    }
  }
}

/**
 * The spec writes digests in urlsafe base64 without padding. Some wheels write hex (gmsh 4.15.2 on
 * this machine's index does): the digest is still compared in full, so it is accepted. Padding is
 * tolerated as installers tolerate it.
 */
function sameDigest(digest: Buffer, written: string): boolean {
  return (
    written.replace(/=+$/, "") === digest.toString("base64url") ||
    written.toLowerCase() === digest.toString("hex")
  );
}

function readMetadata(text: string, wheel: WheelFilename, member: string): Contents {
  const metadata = readCoreMetadata(text);
  if (metadata.name === undefined || metadata.version === undefined) {
    throw wheelIntegrityError(wheel.filename, member, "no Name or no Version");
  }
  if (normalizeName(metadata.name) !== wheel.name) {
    throw wheelIntegrityError(
      wheel.filename,
      member,
      `Name ${metadata.name} is not the file name's ${wheel.distribution}`,
    );
  }
  const version = normalizeVersion(metadata.version);
  if (version === undefined || version !== normalizeVersion(wheel.version)) {
    throw wheelIntegrityError(
      wheel.filename,
      member,
      `Version ${metadata.version} is not the file name's ${wheel.version}`,
    );
  }
  const { summary, license, licenseExpression, requiresPython, classifiers } = metadata;
  return {
    version: metadata.version,
    requiresDist: metadata.requiresDist,
    providesExtra: metadata.providesExtra,
    metadata: {
      ...(summary === undefined ? {} : { summary }),
      ...(license === undefined ? {} : { license }),
      ...(licenseExpression === undefined ? {} : { licenseExpression }),
      ...(requiresPython === undefined ? {} : { requiresPython }),
      classifiers,
    },
  };
}
