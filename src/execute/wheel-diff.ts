// Where two builds of one wheel differ: the members whose bytes differ (RECORD last, since it
// differs whenever another member does), and diffoscope's summary where Debian's diffoscope is
// installed. For `build --check-reproducible`.
import { createHash } from "node:crypto";
import { whichOnPath } from "../engine/detect.js";
import type { ProcessRunner } from "../engine/process-runner.js";
import { WheelZip } from "./wheel-zip.js";

async function memberHashes(file: string, filename: string): Promise<Map<string, string>> {
  const zip = await WheelZip.open(file, filename);
  try {
    const hashes = new Map<string, string>();
    for (const member of zip.members) {
      if (member.isDirectory) continue;
      const hash = createHash("sha256");
      await zip.read(member, (chunk) => hash.update(chunk));
      hashes.set(member.name, hash.digest("hex"));
    }
    return hashes;
  } finally {
    zip.close();
  }
}

/** The members that differ between the two files (missing from one, or other bytes). */
export async function differingMembers(first: string, second: string, filename: string): Promise<string[]> {
  const [a, b] = await Promise.all([memberHashes(first, filename), memberHashes(second, filename)]);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const differ = names.filter((name) => a.get(name) !== b.get(name));
  const isRecord = (name: string) => /\.dist-info\/RECORD$/.test(name);
  return [...differ.filter((name) => !isRecord(name)), ...differ.filter(isRecord)];
}

/** diffoscope's text report (its last lines), or undefined where diffoscope is not installed. */
export async function diffoscopeSummary(
  first: string,
  second: string,
  runner: ProcessRunner,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string[] | undefined> {
  if (whichOnPath("diffoscope", env) === undefined) return undefined;
  const result = await runner.run(["diffoscope", "--text", "-", "--no-progress", first, second], {
    env,
    timeoutMs: 300_000,
  });
  return `${result.stdout}${result.stderr}`.trimEnd().split("\n").slice(0, 40);
}
