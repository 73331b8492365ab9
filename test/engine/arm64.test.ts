// An arm64 wheelhouse built on this amd64 machine under QEMU user emulation (issue 14, item 3): a
// fixture project with two targets of one family, `arm64` (images in docker-arm64: a base FROM
// debian:bookworm-slim-arm64 (.ci/make-base-image.sh), the polls example's builder) and `amd64`
// (the run's images), and one `wheelwright build`. The C extension's wheel must say linux_aarch64
// and hold an aarch64 ELF (e_machine 183, EM_AARCH64). Then both are released and pushed, and the
// registry must hold the family's manifest list (issue 14, item 1): two manifests, linux/amd64 and
// linux/arm64, by the digests push reported.
// Prerequisites: emulation available here (the fact `info` prints) and the arm64 base image. In CI
// (or with WHEELWRIGHT_REQUIRE_ENGINE=1) a missing one fails the file with its reason; elsewhere
// the file is skipped, its title saying why. Emulated apt-get and gcc are slow: the images are built
// once, by the file's one build.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { cacheVolumeName } from "../../src/domain/labels.js";
import type { Manifest } from "../../src/domain/manifest.js";
import { readHostEmulation } from "../../src/engine/host-emulation.js";
import { REPO_ROOT, runCli, sh } from "../support/cli.js";
import { engineOrSkip, engineRequired, imageExists } from "../support/engine.js";
import { commitAll, projectNames } from "../support/fault-projects.js";
import { removeCacheVolume, removeProjectImages } from "../support/fault-world.js";
import { git, makeProject, projectOf } from "../support/fixtures.js";
import { type Registry, startRegistry } from "../support/registry.js";
import { testRun } from "../support/test-run.js";

const SCENARIO = "armwheels";
const FAMILY = "multi";
/** Two targets of one family: arm64 in its own images folder, amd64 in the project's. */
const TARGETS = `
[[tool.wheelwright.target]]
name = "arm64"
images = "docker-arm64"
platform = "linux/arm64"
family = "${FAMILY}"

[[tool.wheelwright.target]]
name = "amd64"
family = "${FAMILY}"
`;
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
    let registry: Registry | undefined;

    beforeAll(async () => {
      if (missing !== undefined)
        throw new Error(`${missing}; this run requires it (CI or WHEELWRIGHT_REQUIRE_ENGINE=1)`);
      root = makeProject({ scenario: SCENARIO, dependencies: ["cext"], extraToolConfig: TARGETS });
      const docker = (images: string, folder: string, text: string) => {
        mkdirSync(path.join(root, images, folder), { recursive: true });
        writeFileSync(path.join(root, images, folder, "Dockerfile"), text);
      };
      docker(
        "docker-arm64",
        "base",
        // The example's base takes its Debian as DEBIAN_IMAGE (issue 14's targets): arm64's by default.
        pollsDockerfile(
          "base",
          "ARG DEBIAN_IMAGE=debian:bookworm-slim\n",
          `ARG DEBIAN_IMAGE=${ARM64_BASE}\n`,
        ),
      );
      // The compiler and Python's headers, without the example's libffi and OpenSSL headers (no
      // package here needs them, and every package costs seconds under emulation).
      docker("docker-arm64", "builder", pollsDockerfile("builder", " libffi-dev libssl-dev", ""));
      const release = pollsDockerfile(
        "release",
        'CMD ["python", "-m", "polls"]',
        'CMD ["python", "-c", "pass"]',
      );
      for (const images of ["docker", "docker-arm64"]) docker(images, "release", release);
      commitAll(root, "arm64 and amd64 images");
      registry = await startRegistry();
    });

    afterAll(async () => {
      await registry?.stop();
      await removeProjectImages(projectOf(SCENARIO));
      await removeCacheVolume(projectNames(SCENARIO).cacheVolume);
      // The arm64 target declares its platform: its pip cache and build environments are its own.
      await removeCacheVolume(cacheVolumeName(testRun().namespace, SCENARIO, "linux/arm64"));
    });

    it("compiles the C extension for aarch64: a linux_aarch64 wheel holding an aarch64 ELF", {
      timeout: 2 * EMULATED_MS,
    }, async () => {
      await builtOnce(root);
      const manifest = JSON.parse(
        readFileSync(path.join(root, "wheelhouse", "arm64", "manifest.json"), "utf8"),
      ) as Manifest;
      const cext = manifest.wheels.find((wheel) => wheel.name === "cext");
      expect(cext).toMatchObject({ origin: "built", sets: ["runtime"] });
      expect(cext!.filename).toMatch(/-cp311-cp311-(linux|manylinux[_0-9]*)_aarch64\.whl$/);

      const objects = await sharedObjects(path.join(root, "wheelhouse", "arm64", cext!.filename));
      expect([...objects.keys()]).toHaveLength(1);
      for (const [member, header] of objects) {
        expect(header.subarray(0, 4).toString("latin1"), member).toBe("\x7fELF");
        expect(header[4], `${member}: ELF class (2: 64-bit)`).toBe(2);
        expect(header[5], `${member}: byte order (1: little-endian)`).toBe(1);
        expect(header.readUInt16LE(18), `${member}: e_machine`).toBe(EM_AARCH64);
      }
      // The amd64 target compiled its own: no aarch64 wheel crosses over through a shared cache.
      const amd64 = JSON.parse(
        readFileSync(path.join(root, "wheelhouse", "amd64", "manifest.json"), "utf8"),
      ) as Manifest;
      expect(amd64.wheels.find((wheel) => wheel.name === "cext")?.filename).toMatch(/_x86_64\.whl$/);
    });

    it("releases both targets and pushes them with the family's manifest list: linux/amd64 and linux/arm64, by the digests pushed", {
      timeout: 3 * EMULATED_MS,
    }, async () => {
      await builtOnce(root);
      const released = await runCli(["release"], { cwd: root, timeoutMs: EMULATED_MS });
      expect(released.exitCode, released.stderr).toBe(0);
      const sha = git(root, "rev-parse", "--short=12", "HEAD");
      const local = `${testRun().namespace}/${SCENARIO}-release`;
      const namespace = `${registry!.address}/${testRun().namespace}`;
      const repository = `${namespace}/${SCENARIO}-release`;
      for (const target of ["arm64", "amd64"])
        await sh(`docker tag ${local}:${sha}-${target} ${repository}:${sha}-${target}`);
      const env = {
        WHEELWRIGHT_NAMESPACE: namespace,
        DOCKER_CONFIG: mkdtempSync(path.join(testRun().tempRoot, "docker-config-")),
      };

      // Only part of the family: its images go, its list does not, and a warning says why.
      const part = await runCli(["push", "--target", "arm64"], { cwd: root, env });
      expect(part.exitCode, part.stderr).toBe(0);
      expect(part.stderr).toContain(
        `family ${FAMILY}: its manifest list was not published: target amd64 was not pushed`,
      );
      expect((await registryManifest(registry!.address, repository, `${sha}-${FAMILY}`)).status).toBe(404);

      const result = await runCli(["--json", "push"], { cwd: root, env });
      expect(result.exitCode, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as PushReport;
      const pushedDigest = (reference: string) =>
        report.pushed.find((entry) => entry.startsWith(`${reference}@`))?.split("@")[1];
      expect(report.manifestLists.map((list) => list.name).sort()).toEqual(
        [`${repository}:${sha}-${FAMILY}`, `${repository}:latest-${FAMILY}`].sort(),
      );
      for (const tag of [sha, "latest"]) {
        const reported = report.manifestLists.find((list) => list.name === `${repository}:${tag}-${FAMILY}`)!;
        const fetched = await registryManifest(registry!.address, repository, `${tag}-${FAMILY}`);
        expect(fetched.status).toBe(200);
        expect(fetched.digest).toBe(reported.digest);
        const body = fetched.body as RegistryList;
        expect(LIST_TYPES).toContain(body.mediaType);
        const expected = [
          { platform: "linux/amd64", digest: pushedDigest(`${repository}:${tag}-amd64`) },
          { platform: "linux/arm64", digest: pushedDigest(`${repository}:${tag}-arm64`) },
        ];
        expect(expected.every((member) => member.digest?.startsWith("sha256:"))).toBe(true);
        const listed = body.manifests.map((m) => ({
          platform: `${m.platform.os}/${m.platform.architecture}`,
          digest: m.digest,
        }));
        expect(listed.sort((a, b) => a.platform.localeCompare(b.platform))).toEqual(expected);
        expect(reported.members.map((m) => m.digest).sort()).toEqual(expected.map((m) => m.digest).sort());
      }
    });
  },
);

/** What `wheelwright --json push` prints (the fields read). */
interface PushReport {
  pushed: string[];
  manifestLists: { name: string; digest: string; members: { platform: string; digest: string }[] }[];
}

interface RegistryList {
  mediaType: string;
  manifests: { digest: string; platform: { os: string; architecture: string } }[];
}

const LIST_TYPES = [
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.index.v1+json",
];

/** The registry's manifest for a tag, asked for as a list (its HTTP API, as a client pulling it would). */
async function registryManifest(address: string, repository: string, tag: string) {
  const name = repository.slice(address.length + 1);
  const response = await fetch(`http://${address}/v2/${name}/manifests/${tag}`, {
    headers: { Accept: LIST_TYPES.join(", ") },
  });
  return {
    status: response.status,
    digest: response.headers.get("docker-content-digest"),
    body: response.ok ? ((await response.json()) as unknown) : undefined,
  };
}

let built: Promise<void> | undefined;
/** The images and the two wheelhouses, made once for the file (emulated apt-get and gcc are slow). */
function builtOnce(root: string): Promise<void> {
  built ??= (async () => {
    // Timed for the log only (what CI pays for emulation), never asserted.
    let started = Date.now();
    const images = await runCli(["image", "--all"], { cwd: root, timeoutMs: EMULATED_MS });
    expect(images.exitCode, images.stderr).toBe(0);
    const imageSeconds = Math.round((Date.now() - started) / 1000);
    started = Date.now();
    const result = await runCli(["build"], { cwd: root, timeoutMs: EMULATED_MS });
    expect(result.exitCode, result.stderr).toBe(0);
    // The progress says which builder is emulated, and that it is slow.
    expect(result.stderr).toMatch(
      /the builder runs linux\/arm64 under QEMU emulation on linux\/amd64: expect it/,
    );
    console.log(
      `arm64 under emulation: images ${imageSeconds} s, build ${Math.round((Date.now() - started) / 1000)} s`,
    );
  })();
  return built;
}
