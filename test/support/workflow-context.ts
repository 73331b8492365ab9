// A WorkflowContext for unit tests: a fake engine, a runner that answers git from canned facts and
// records everything else, a fixed clock, and the events and secrets collected for assertions.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LoadedProject } from "../../src/config/load.js";
import type { Manifest } from "../../src/domain/manifest.js";
import type { Detection } from "../../src/engine/detect.js";
import type { WheelwrightEvent } from "../../src/events.js";
import type { WorkflowContext } from "../../src/workflows/context.js";
import type { FakeEngine } from "./fake-engine.js";
import { type Answer, recordingRunner } from "./recording-runner.js";

export const FAKE_SHA = "0123456789abcdef0123456789abcdef01234567";
export const FAKE_COMMIT_TIME = 1_700_000_000;
/** What a fake helper reports of its builder's Python (bookworm's CPython 3.11 on amd64). */
export const FAKE_INTERPRETER = {
  implementation: "cpython",
  version: [3, 11],
  abi: "cp311",
  platform: "linux-x86_64",
  libc: { name: "glibc", version: "2.36" },
} as const;

/** Answers `git -C ROOT ...` as a clean work tree at FAKE_SHA would. */
export function gitAnswers(dirty = false): Record<string, Answer | ((argv: readonly string[]) => Answer)> {
  const git = (args: string) => (argv: readonly string[]) => argv.slice(3).join(" ").startsWith(args);
  const table: [string, Answer][] = [
    ["rev-parse --is-inside-work-tree", { exitCode: 0, stdout: "true\n" }],
    ["rev-parse --verify --quiet HEAD", { exitCode: 0, stdout: `${FAKE_SHA}\n` }],
    ["rev-parse --short=12 HEAD", { exitCode: 0, stdout: `${FAKE_SHA.slice(0, 12)}\n` }],
    ["status --porcelain", { exitCode: 0, stdout: dirty ? " M x.py\n" : "" }],
    ["log -1 --format=%ct HEAD", { exitCode: 0, stdout: `${FAKE_COMMIT_TIME}\n` }],
    ["log -1 --format=%H %ct HEAD", { exitCode: 0, stdout: `${FAKE_SHA} ${FAKE_COMMIT_TIME}\n` }],
    ["remote get-url origin", { exitCode: 2, stderr: "error: No such remote 'origin'" }],
  ];
  return {
    git: (argv) =>
      table.find(([args]) => git(args)(argv))?.[1] ?? {
        exitCode: 1,
        stderr: `unexpected git call: ${argv.join(" ")}`,
      },
  };
}

export interface TestContext {
  ctx: WorkflowContext;
  events: WheelwrightEvent[];
  secrets: string[];
  calls: ReturnType<typeof recordingRunner>["calls"];
  abort: AbortController;
  tmp: string;
}

export function testContext(
  options: { engine?: FakeEngine; dirty?: boolean; stdin?: string; env?: Record<string, string> } = {},
): TestContext {
  const { runner, calls } = recordingRunner(gitAnswers(options.dirty));
  const events: WheelwrightEvent[] = [];
  const secrets: string[] = [];
  const abort = new AbortController();
  const tmp = mkdtempSync(path.join(tmpdir(), "wheelwright-unit-"));
  let run = 0;
  const detection: Detection = options.engine?.detection() ?? {
    kind: "local",
    report: [{ candidate: "local", accepted: true, reason: "test" }],
  };
  const ctx: WorkflowContext = {
    env: { PATH: process.env.PATH, HOME: tmp, XDG_CACHE_HOME: path.join(tmp, "cache"), ...options.env },
    runner,
    clock: () => FAKE_COMMIT_TIME * 1000,
    emit: (event) => events.push(event),
    signal: abort.signal,
    toolVersion: "0.0.0-test",
    tmpdir: tmp,
    newRunId: () => `run${++run}`,
    detectEngine: async () => detection,
    addSecrets: (values) => secrets.push(...values),
    readStdin: async () => options.stdin ?? "",
  };
  return { ctx, events, secrets, calls, abort, tmp };
}

/** A project folder written with node:fs only: a pyproject with its wheelwright table and image folders. */
export function writeProject(
  root: string,
  options: { tool?: string; releaseDockerfile?: string } = {},
): string {
  mkdirSync(root, { recursive: true });
  writeFileSync(
    path.join(root, "pyproject.toml"),
    `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["tinydep"]\n\n[project.optional-dependencies]\ntest = ["pytest"]\n\n[tool.wheelwright]\nnamespace = "acme"\nnetwork = "host"\npull = false\nindex-url = "file:///opt/pypi/simple"\nextra-index-urls = []\nfind-links = []\n${options.tool ?? ""}`,
  );
  mkdirSync(path.join(root, "demo"), { recursive: true });
  writeFileSync(path.join(root, "demo", "__init__.py"), "VALUE = 1\n");
  const dockerfiles: Record<string, string> = {
    base: "FROM debian:bookworm-slim\n",
    builder: "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n",
    release: options.releaseDockerfile ?? "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nUSER 10001\n",
  };
  for (const [folder, text] of Object.entries(dockerfiles)) {
    mkdirSync(path.join(root, "docker", folder), { recursive: true });
    writeFileSync(path.join(root, "docker", folder, "Dockerfile"), text);
  }
  return root;
}

/** A wheelhouse that `release` and `test` accept for `project` as it is now (its fingerprint recomputed). */
export async function writeWheelhouse(
  ctx: WorkflowContext,
  project: LoadedProject,
  wheels: { name: string; version: string; sets: string[]; content?: string | Buffer }[],
): Promise<Manifest> {
  const { collectBuildInputs } = await import("../../src/project/build-inputs.js");
  const { imageBuilderId } = await import("../../src/workflows/builder.js");
  const { MANIFEST_SCHEMA_VERSION, requirementsText } = await import("../../src/domain/manifest.js");
  const { SBOM_FILE, sbomText } = await import("../../src/domain/sbom.js");
  const { createHash } = await import("node:crypto");
  const { wheelMembers, zipBytes } = await import("../unit/builders/wheel-zip.js");
  const extras = [
    ...new Set(
      wheels
        .flatMap((w) => w.sets)
        .filter((s) => s.startsWith("extra:"))
        .map((s) => s.slice(6)),
    ),
  ];
  const inputs = collectBuildInputs({
    project,
    request: { extras, groups: [], requirements: [] },
    index: { indexUrl: "file:///opt/pypi/simple", extraIndexUrls: [], findLinks: [] },
    builderId: imageBuilderId({ project, context: "builder" }),
    sourceDateEpoch: FAKE_COMMIT_TIME,
    toolVersion: ctx.toolVersion,
  });
  mkdirSync(project.wheelhouseDir, { recursive: true });
  const entries = [];
  for (const wheel of wheels) {
    const filename = `${wheel.name}-${wheel.version}-py3-none-any.whl`;
    // A real wheel unless the test wants other bytes: release verifies every wheel it ships.
    const content =
      wheel.content ??
      (await zipBytes(
        wheelMembers({
          name: wheel.name.replace(/-/g, "_"),
          version: wheel.version,
          metadata: `Metadata-Version: 2.1\nName: ${wheel.name}\nVersion: ${wheel.version}\n`,
        }),
      ));
    writeFileSync(path.join(project.wheelhouseDir, filename), content);
    entries.push({
      name: wheel.name,
      version: wheel.version,
      filename,
      size: Buffer.byteLength(content),
      sha256: createHash("sha256").update(content).digest("hex"),
      origin: "fetched" as const,
      sets: wheel.sets,
      requires: [],
      license: {},
    });
  }
  const app = entries[0]!;
  const manifest: Manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    tool: "wheelwright test",
    inputs: {
      ...inputs.fingerprints,
      builder: "x",
      extras,
      groups: [],
      requirements: [],
      sourceDateEpoch: FAKE_COMMIT_TIME,
    },
    app: { name: app.name, version: app.version, filename: app.filename, requires: [] },
    wheels: entries,
  };
  writeFileSync(path.join(project.wheelhouseDir, "manifest.json"), JSON.stringify(manifest));
  writeFileSync(path.join(project.wheelhouseDir, "requirements.txt"), requirementsText(manifest));
  writeFileSync(path.join(project.wheelhouseDir, SBOM_FILE), sbomText(manifest));
  return manifest;
}
