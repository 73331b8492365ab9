// An arm64 wheelhouse built on this amd64 machine under QEMU user emulation (issue 14, item 3): a
// fixture project whose base is FROM debian:bookworm-slim-arm64 (.ci/make-base-image.sh) and whose
// builder is the polls example's, and one `wheelwright build`. The C extension's wheel must say
// linux_aarch64 and hold an aarch64 ELF (e_machine 183, EM_AARCH64).
// Prerequisites: emulation available here (the fact `info` prints) and the arm64 base image. In CI
// (or with WHEELWRIGHT_REQUIRE_ENGINE=1) a missing one fails the file with its reason; elsewhere
// the file is skipped, its title saying why. Emulated apt-get and gcc are slow: the images are built
// once, by the file's one build.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import type { Manifest } from "../../src/domain/manifest.js";
import { readHostEmulation } from "../../src/engine/host-emulation.js";
import { REPO_ROOT, runCli } from "../support/cli.js";
import { engineOrSkip, engineRequired, imageExists } from "../support/engine.js";
import { commitAll, projectNames } from "../support/fault-projects.js";
import { removeCacheVolume, removeProjectImages } from "../support/fault-world.js";
import { makeProject, projectOf } from "../support/fixtures.js";

const SCENARIO = "armwheels";
const ARM64_BASE = "debian:bookworm-slim-arm64";
const EM_AARCH64 = 183;
/** Bound of the emulated image builds and build (each a safety net, not a measure): apt-get and gcc under QEMU. */
const EMULATED_MS = 30 * 60_000;

/** Why this machine cannot build for arm64, or undefined when it can. */
function missingPrerequisite(): string | undefined {
  if (engineOrSkip()) return undefined;
  const emulation = readHostEmulation("linux/arm64");
  if (!emulation.available) return `linux/arm64 emulation is not available: ${emulation.reason}`;
  if (!imageExists(ARM64_BASE))
    return `${ARM64_BASE} is missing: bash .ci/make-base-image.sh ${ARM64_BASE} (.ci/run makes it)`;
  return undefined;
}
const missing = missingPrerequisite();

/** The polls example's Dockerfile for `folder`, with `edit` applied (checked: it must change something). */
function pollsDockerfile(folder: string, from: string, to: string): string {
  const text = readFileSync(
    path.join(REPO_ROOT, "examples", "polls", "docker", folder, "Dockerfile"),
    "utf8",
  );
  expect(text, `the example's ${folder} Dockerfile changed: update this test`).toContain(from);
  return text.replace(from, to);
}

/** Each `.so` member of a wheel and its first bytes (the ELF header). */
async function sharedObjects(wheel: string): Promise<Map<string, Buffer>> {
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    yauzl.open(wheel, { lazyEntries: true }, (error, opened) => (error ? reject(error) : resolve(opened))),
  );
  const found = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on("error", reject);
    zip.on("end", resolve);
    zip.on("entry", (entry: Entry) => {
      if (!entry.fileName.endsWith(".so")) return zip.readEntry();
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("error", reject);
        stream.on("end", () => {
          found.set(entry.fileName, Buffer.concat(chunks).subarray(0, 64));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  zip.close();
  return found;
}

const skipHere = engineOrSkip() || (missing !== undefined && !engineRequired);
describe.skipIf(skipHere)(
  `an arm64 wheelhouse under QEMU emulation (real engine)${skipHere && missing ? `: skipped, ${missing}` : ""}`,
  () => {
    let root = "";

    beforeAll(() => {
      if (missing !== undefined)
        throw new Error(`${missing}; this run requires it (CI or WHEELWRIGHT_REQUIRE_ENGINE=1)`);
      root = makeProject({ scenario: SCENARIO, dependencies: ["cext"] });
      const docker = (folder: string, text: string) =>
        writeFileSync(path.join(root, "docker", folder, "Dockerfile"), text);
      docker("base", pollsDockerfile("base", "FROM debian:bookworm-slim\n", `FROM ${ARM64_BASE}\n`));
      // The compiler and Python's headers, without the example's libffi and OpenSSL headers (no
      // package here needs them, and every package costs seconds under emulation).
      docker("builder", pollsDockerfile("builder", " libffi-dev libssl-dev", ""));
      commitAll(root, "arm64 images");
    });

    afterAll(async () => {
      await removeProjectImages(projectOf(SCENARIO));
      await removeCacheVolume(projectNames(SCENARIO).cacheVolume);
    });

    it("compiles the C extension for aarch64: a linux_aarch64 wheel holding an aarch64 ELF", {
      timeout: 2 * EMULATED_MS,
    }, async () => {
      // Timed for the log only (what CI pays for emulation), never asserted.
      let started = Date.now();
      const images = await runCli(["image", "--all"], { cwd: root, timeoutMs: EMULATED_MS });
      expect(images.exitCode, images.stderr).toBe(0);
      const imageSeconds = Math.round((Date.now() - started) / 1000);
      started = Date.now();
      const result = await runCli(["build"], { cwd: root, timeoutMs: EMULATED_MS });
      expect(result.exitCode, result.stderr).toBe(0);
      console.log(
        `arm64 under emulation: images ${imageSeconds} s, build ${Math.round((Date.now() - started) / 1000)} s`,
      );
      const manifest = JSON.parse(
        readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8"),
      ) as Manifest;
      const cext = manifest.wheels.find((wheel) => wheel.name === "cext");
      expect(cext).toMatchObject({ origin: "built", sets: ["runtime"] });
      expect(cext!.filename).toMatch(/-cp311-cp311-(linux|manylinux[_0-9]*)_aarch64\.whl$/);

      const objects = await sharedObjects(path.join(root, "wheelhouse", cext!.filename));
      expect([...objects.keys()]).toHaveLength(1);
      for (const [member, header] of objects) {
        expect(header.subarray(0, 4).toString("latin1"), member).toBe("\x7fELF");
        expect(header[4], `${member}: ELF class (2: 64-bit)`).toBe(2);
        expect(header[5], `${member}: byte order (1: little-endian)`).toBe(1);
        expect(header.readUInt16LE(18), `${member}: e_machine`).toBe(EM_AARCH64);
      }
    });
  },
);
