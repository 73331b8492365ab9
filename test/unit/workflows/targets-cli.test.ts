// Issue 14: the commands run for each target with a fake engine: each target's images get its tag
// suffix and build args, each its own wheelhouse; one summary whose lines name their target; the
// wheel tag check per target; the local engine builds the first target only.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildableViews, buildCommand, buildTarget } from "../../../src/cli/commands/build.js";
import { cleanCommand } from "../../../src/cli/commands/clean.js";
import { imageCommand } from "../../../src/cli/commands/image.js";
import { runCommand } from "../../../src/cli/commands/run.js";
import type { Session } from "../../../src/cli/session.js";
import { workflowContext } from "../../../src/cli/session.js";
import { defaultJobs, sessionViews } from "../../../src/cli/target-runs.js";
import { loadProject } from "../../../src/config/load.js";
import type { ContainerSpec, ImageBuildSpec } from "../../../src/domain/engine-commands.js";
import type { HelperRequest } from "../../../src/domain/helper-request.js";
import type { Manifest } from "../../../src/domain/manifest.js";
import { ImageBuildError, InputError, IntegrityError } from "../../../src/errors.js";
import { type ExecScript, FakeEngine } from "../../support/fake-engine.js";
import { FAKE_SHA, type TestContext, testContext, writeProject } from "../../support/workflow-context.js";
import { wheelMembers, zipBytes } from "../builders/wheel-zip.js";

const TARGETS = `
[[target]]
name = "bookworm"

[[target]]
name = "trixie"
build-args = { DEBIAN_IMAGE = "debian:trixie-slim" }
platform = "linux/amd64"
`;
const SHA = FAKE_SHA.slice(0, 12);

function setup(options: { local?: boolean } = {}) {
  const engine = new FakeEngine();
  engine.addImage("debian:bookworm-slim");
  engine.addImage("debian:trixie-slim");
  const test = testContext({ engine });
  const root = writeProject(path.join(test.tmp, "project"));
  // wheelwright.toml (the top-level `[[target]]` form), and a base that takes its Debian as an arg.
  writeFileSync(
    path.join(root, "wheelwright.toml"),
    `namespace = "acme"\nnetwork = "host"\npull = false\nindex-url = "file:///opt/pypi/simple"\nextra-index-urls = []\nfind-links = []\n${TARGETS}`,
  );
  writeFileSync(
    path.join(root, "docker", "base", "Dockerfile"),
    "ARG DEBIAN_IMAGE=debian:bookworm-slim\nFROM ${DEBIAN_IMAGE}\n",
  );
  mkdirSync(path.join(root, ".git", "refs", "heads"), { recursive: true });
  writeFileSync(path.join(root, ".git", "HEAD"), "ref: refs/heads/main\n");
  writeFileSync(path.join(root, ".git", "refs", "heads", "main"), `${FAKE_SHA}\n`);
  const out: string[] = [];
  const session = (targets: string[] = [], jobs?: number): Session => ({
    cwd: root,
    env: { ...test.ctx.env },
    runner: test.ctx.runner,
    clock: test.ctx.clock,
    out: (text) => out.push(text),
    emit: test.ctx.emit,
    json: false,
    signal: test.ctx.signal,
    flags: {},
    toolVersion: test.ctx.toolVersion,
    targets,
    jobs,
    passthrough: undefined,
    exitCode: undefined,
    setRedactor: () => undefined,
    detect: async () =>
      options.local === true
        ? { kind: "local", report: [{ candidate: "local", accepted: true, reason: "test" }] }
        : engine.detection(),
  });
  return { ...test, engine, root, out, session };
}

const wheel = (name: string, version: string, requires = "") =>
  zipBytes(
    wheelMembers({
      name,
      version,
      files: [{ name: `${name}/__init__.py`, data: "X = 1\n" }],
      metadata: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n${requires}`,
    }),
  );

/**
 * A helper that builds demo and tinydep, reporting the interpreter of the target whose builder it
 * runs in (CPython 3.13 in trixie's): tinydep's wheel carries `depTag` (a pure one by default).
 */
function helperFor(depTag: (trixie: boolean) => string = () => "py3-none-any"): ExecScript {
  return async (argv, _options, container) => {
    if (!argv.includes("wheelwright_helper")) return { exitCode: 0 };
    const trixie = container.spec.image.includes("-trixie");
    const request = JSON.parse(
      String(container.files.get("/wheelwright/input/request.json")),
    ) as HelperRequest;
    const dep = `tinydep-1.0-${depTag(trixie)}.whl`;
    container.files.set(
      `${request.out}/app/demo-0.1.0-py3-none-any.whl`,
      await wheel("demo", "0.1.0", "Requires-Dist: tinydep\n"),
    );
    container.files.set(`${request.out}/deps/${dep}`, await wheel("tinydep", "1.0"));
    const report = {
      version: 1,
      app: "demo",
      interpreter: {
        implementation: "cpython",
        version: [3, trixie ? 13 : 11],
        abi: trixie ? "cp313" : "cp311",
        platform: "linux-x86_64",
        libc: { name: "glibc", version: trixie ? "2.41" : "2.36" },
      },
      wheels: [
        { filename: "demo-0.1.0-py3-none-any.whl", folder: "app", origin: "built", sets: ["runtime"] },
        { filename: dep, folder: "deps", origin: "fetched", sets: ["runtime"] },
      ],
    };
    container.files.set(`${request.out}/report.json`, JSON.stringify(report));
    const event = (message: Record<string, unknown>) => `@@wheelwright ${JSON.stringify(message)}`;
    return {
      exitCode: 0,
      output: [
        event({ kind: "phase", phase: "app" }),
        event({
          kind: "app",
          name: "demo",
          version: "0.1.0",
          filename: "demo-0.1.0-py3-none-any.whl",
          requires: ["tinydep"],
          extras: [],
          groups: [],
        }),
        event({ kind: "done", wheels: 2 }),
      ].join("\n"),
    };
  };
}

const built = (engine: FakeEngine) =>
  engine.calls.filter((c) => c.verb === "buildImage").map((c) => c.args[0] as ImageBuildSpec);
const manifestOf = (root: string, target: string) =>
  JSON.parse(readFileSync(path.join(root, "wheelhouse", target, "manifest.json"), "utf8")) as Manifest;
const stepTitles = (test: TestContext) =>
  test.events.flatMap((event) => (event.type === "step-started" ? [event.title] : []));

describe("commands for each target (fake engine)", () => {
  it("image --all: each target's images with its tag suffix, build args and labels; one summary naming each", async () => {
    const test = setup();
    await imageCommand(test.session([], 1), [], { all: true });
    const specs = built(test.engine);
    expect(specs.map((spec) => spec.tags[0])).toEqual([
      `acme/demo-base:${SHA}-bookworm`,
      `acme/demo-builder:${SHA}-bookworm`,
      `acme/demo-base:${SHA}-trixie`,
      `acme/demo-builder:${SHA}-trixie`,
    ]);
    expect(specs[2]!.tags).toEqual([`acme/demo-base:${SHA}-trixie`, "acme/demo-base:latest-trixie"]);
    expect(specs[2]!.buildArgs.DEBIAN_IMAGE).toBe("debian:trixie-slim");
    expect(specs[0]!.buildArgs.DEBIAN_IMAGE).toBeUndefined();
    expect(specs[3]!.buildArgs.BASE_IMAGE).toBe(`acme/demo-base:${SHA}-trixie`);
    expect(specs[1]!.buildArgs.BASE_IMAGE).toBe(`acme/demo-base:${SHA}-bookworm`);
    const trixieLabels = test.engine.images.get(
      test.engine.tags.get(`acme/demo-base:${SHA}-trixie`)!,
    )!.labels;
    expect(trixieLabels["io.wheelwright.target"]).toBe("trixie");
    expect(trixieLabels["io.wheelwright.platform"]).toBe("linux/amd64");
    // trixie's build args are part of its images' identity: never the bookworm image's.
    expect(trixieLabels["io.wheelwright.context-hash"]).not.toBe(
      test.engine.images.get(test.engine.tags.get(`acme/demo-base:${SHA}-bookworm`)!)!.labels[
        "io.wheelwright.context-hash"
      ],
    );
    expect(test.out.join("")).toBe(
      [
        `[bookworm] acme/demo-base:${SHA}-bookworm acme/demo-base:latest-bookworm`,
        `[bookworm] acme/demo-builder:${SHA}-bookworm acme/demo-builder:latest-bookworm`,
        `[trixie] acme/demo-base:${SHA}-trixie acme/demo-base:latest-trixie`,
        `[trixie] acme/demo-builder:${SHA}-trixie acme/demo-builder:latest-trixie`,
        "",
      ].join("\n"),
    );
    expect(stepTitles(test).some((title) => title.startsWith("[trixie] "))).toBe(true);
  });

  it("--target trixie builds trixie's images only", async () => {
    const test = setup();
    await imageCommand(test.session(["trixie"]), ["base"], {});
    expect(built(test.engine).map((spec) => spec.tags[0])).toEqual([`acme/demo-base:${SHA}-trixie`]);
    // One target: its lines still say which, its events need no label.
    expect(test.out.join("")).toMatch(/^\[trixie\] acme\/demo-base/);
    expect(stepTitles(test).every((title) => !title.startsWith("["))).toBe(true);
  });

  it("build: one wheelhouse per target with its own manifest, one summary with a line per target", async () => {
    const test = setup();
    test.engine.execScript = helperFor();
    await buildCommand(test.session([], 2), [], {}, undefined);
    expect(
      readdirSync(path.join(test.root, "wheelhouse"))
        .filter((n) => !n.startsWith("."))
        .sort(),
    ).toEqual(["bookworm", "trixie"]);
    for (const target of ["bookworm", "trixie"]) {
      expect(readdirSync(path.join(test.root, "wheelhouse", target)).sort()).toEqual([
        "demo-0.1.0-py3-none-any.whl",
        "manifest.json",
        "requirements.txt",
        "sbom.cdx.json",
        "tinydep-1.0-py3-none-any.whl",
      ]);
    }
    expect(manifestOf(test.root, "trixie").target).toEqual({ name: "trixie", platform: "linux/amd64" });
    expect(manifestOf(test.root, "bookworm").target).toEqual({ name: "bookworm" });
    // Each builder ran in its own target's image.
    const images = test.engine.calls
      .filter((c) => c.verb === "startContainer")
      .map((c) => (c.args[0] as { image: string }).image)
      .sort();
    expect(images).toEqual([`acme/demo-builder:${SHA}-bookworm`, `acme/demo-builder:${SHA}-trixie`]);
    // A target that names its platform keeps its build environments in a volume of its own.
    const cacheVolumes = test.engine.calls
      .filter((c) => c.verb === "startContainer")
      .map((c) => (c.args[0] as ContainerSpec).mounts.find((m) => m.target === "/cache")?.source)
      .sort();
    expect(cacheVolumes).toEqual(["wheelwright-cache-acme-demo", "wheelwright-cache-acme-demo-linux-amd64"]);
    const summary = test.out
      .join("")
      .split("\n")
      .filter((line) => line !== "");
    expect(summary.filter((line) => /wheelhouse\/\w+: 2 wheels/.test(line))).toEqual([
      expect.stringMatching(/^\[bookworm\] wheelhouse\/bookworm: 2 wheels/),
      expect.stringMatching(/^\[trixie\] wheelhouse\/trixie: 2 wheels/),
    ]);
    expect(summary.every((line) => /^\[(bookworm|trixie)\] /.test(line))).toBe(true);
    // A second build: both up to date, each line saying so.
    test.out.length = 0;
    await buildCommand(test.session(), [], {}, undefined);
    expect(test.out.join("")).toBe(
      "[bookworm] wheelhouse/bookworm: up to date (2 wheels, inputs unchanged)\n[trixie] wheelhouse/trixie: up to date (2 wheels, inputs unchanged)\n",
    );
  });

  it("a wheel trixie's Python cannot install is refused, naming the target and the wheel; bookworm's is published", async () => {
    const test = setup();
    test.engine.execScript = helperFor(() => "cp311-cp311-linux_x86_64");
    const error = await buildCommand(test.session([], 1), [], {}, undefined).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).message).toMatch(
      /^target trixie: A wheel of the set cannot be installed/,
    );
    expect((error as IntegrityError).details).toEqual([
      expect.stringMatching(
        /^tinydep-1\.0-cp311-cp311-linux_x86_64\.whl: tagged cp311-cp311-linux_x86_64: .* CPython 3\.13/,
      ),
    ]);
    expect(readdirSync(path.join(test.root, "wheelhouse", "bookworm"))).toContain(
      "tinydep-1.0-cp311-cp311-linux_x86_64.whl",
    );
    expect(readdirSync(path.join(test.root, "wheelhouse"))).not.toContain("trixie");
  });

  it("clean --target trixie empties trixie's wheelhouse and only that", async () => {
    const test = setup();
    test.engine.execScript = helperFor();
    await buildCommand(test.session(), [], {}, undefined);
    test.out.length = 0;
    await cleanCommand(test.session(["trixie"]), {});
    expect(test.out.join("")).toMatch(/^\[trixie\] removed: wheelhouse\/trixie\/ \(5 files\)/);
    expect(readdirSync(path.join(test.root, "wheelhouse")).filter((n) => !n.startsWith("."))).toEqual([
      "bookworm",
    ]);
    expect(readdirSync(path.join(test.root, "wheelhouse", "bookworm"))).toHaveLength(5);
  });

  it("a builder of another architecture than the engine's: the progress says it runs emulated, and slowly", async () => {
    const test = setup();
    test.engine.execScript = helperFor();
    test.engine.buildPlatform = "linux/arm64";
    await buildCommand(test.session(["bookworm"]), [], {}, undefined);
    const notices = test.events.flatMap((e) => (e.type === "notice" ? [e.message] : []));
    expect(notices).toContainEqual(
      expect.stringMatching(
        /^the builder runs linux\/arm64 under QEMU emulation on linux\/amd64: expect it several times slower/,
      ),
    );
    const started = test.events.find((e) => e.type === "step-finished" && e.id === "builder");
    expect(started).toMatchObject({ detail: expect.stringMatching(/, emulated linux\/arm64\)$/) });
  });

  it("a target whose builder image is not of the platform it declares is refused before its builder starts", async () => {
    const test = setup();
    test.engine.execScript = helperFor();
    test.engine.buildPlatform = "linux/arm64";
    const error = await buildCommand(test.session(["trixie"]), [], {}, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageBuildError);
    expect((error as ImageBuildError).message).toMatch(
      /Target trixie declares platform linux\/amd64, but its builder image acme\/demo-builder:\w+-trixie is linux\/arm64$/,
    );
    expect((error as ImageBuildError).hint).toMatch(/from a linux\/amd64 base/);
    expect(test.engine.calls.filter((c) => c.verb === "startContainer")).toEqual([]);
    expect(existsSync(path.join(test.root, "wheelhouse", "trixie"))).toBe(false);
  });

  it("clean --all removes each target's cache volume (one per platform)", async () => {
    const test = setup();
    test.engine.volumes.add("wheelwright-cache-acme-demo");
    test.engine.volumes.add("wheelwright-cache-acme-demo-linux-amd64");
    test.engine.volumes.add("wheelwright-cache-acme-other");
    await cleanCommand(test.session(), { all: true });
    expect([...test.engine.volumes]).toEqual(["wheelwright-cache-acme-other"]);
  });

  it("run with several targets asks for one, naming them", async () => {
    const test = setup();
    const error = await runCommand(test.session(), ["true"]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      "`run` runs for one target; this project has 2: bookworm, trixie",
    );
    expect((error as InputError).hint).toContain("--target bookworm");
    expect(test.engine.calls.filter((c) => c.verb === "runOnce")).toEqual([]);
  });
});

describe("info with targets", () => {
  it("lists each target (wheelhouse, images, tag suffix, build args, platform) and each target's image tags", async () => {
    const test = setup();
    const project = sessionViews(test.session())[0]!;
    const { describeProject } = await import("../../../src/workflows/describe-project.js");
    const { selectTargets } = await import("../../../src/config/target-view.js");
    const all = loadProject({ cwd: test.root, env: test.ctx.env, flags: {} });
    const info = await describeProject(test.ctx, all, selectTargets(all, ["trixie"]));
    expect(info.targets).toEqual([
      {
        name: "bookworm",
        wheelhouse: "wheelhouse/bookworm",
        images: "docker",
        tagSuffix: "-bookworm",
        buildArgs: {},
        platform: null,
        family: null,
      },
      {
        name: "trixie",
        wheelhouse: "wheelhouse/trixie",
        images: "docker",
        tagSuffix: "-trixie",
        buildArgs: { DEBIAN_IMAGE: "debian:trixie-slim" },
        platform: "linux/amd64",
        family: null,
      },
    ]);
    expect(info.images.find((image) => image.folder === "docker/base")).toEqual({
      target: "trixie",
      folder: "docker/base",
      buildArg: "BASE_IMAGE",
      tags: [`acme/demo-base:${SHA}-trixie`, "acme/demo-base:latest-trixie"],
      dockerfile: true,
    });
    expect(info.settings.map((setting) => setting.key)).not.toContain("targets");
    expect(project.target?.name).toBe("bookworm");
  });
});

const BUILD_REQUEST = {
  extras: [],
  groups: [],
  requirements: [],
  force: false,
  checkReproducible: false,
  cacheRequired: false,
};

describe("the local engine with targets", () => {
  it("the engine `local`: builds the first target only and says which it skipped and why", async () => {
    const test = setup({ local: true });
    const session = test.session();
    const views = buildableViews(session, workflowContext(session), sessionViews(session), true);
    expect(views.map((view) => view.target?.name)).toEqual(["bookworm"]);
    expect(test.events).toContainEqual({
      type: "notice",
      message:
        "skipping target trixie: the local engine builds for this machine's Python only (target bookworm)",
    });
  });

  it("the engine `auto`: another target is skipped when it needs a builder and only the local engine answers", async () => {
    const test = setup({ local: true });
    const session = test.session();
    const ctx = workflowContext(session);
    const views = buildableViews(session, ctx, sessionViews(session));
    // Nothing is asked up front: each target asks when it needs a builder.
    expect(views.map((view) => view.target?.name)).toEqual(["bookworm", "trixie"]);
    const trixie = views[1]!;
    const outcome = await buildTarget(session, ctx, trixie, BUILD_REQUEST);
    expect(outcome).toBeUndefined();
    expect(test.events).toContainEqual({
      type: "notice",
      message:
        "skipping target trixie: the local engine builds for this machine's Python only (target bookworm)",
    });
    expect(existsSync(path.join(test.root, "wheelhouse", "trixie"))).toBe(false);
  });

  it("the engine `auto`: an up-to-date target asks no engine", async () => {
    const test = setup();
    test.engine.execScript = helperFor();
    let asked = 0;
    const session = (): Session => ({
      ...test.session(),
      detect: async () => {
        asked++;
        return test.engine.detection();
      },
    });
    await buildCommand(session(), [], {}, undefined);
    expect(asked).toBeGreaterThan(0);
    asked = 0;
    test.out.length = 0;
    const engineCalls = test.engine.calls.length;
    await buildCommand(session(), [], {}, undefined);
    expect(test.out.join("")).toMatch(/\[trixie\] wheelhouse\/trixie: up to date/);
    expect(asked).toBe(0);
    expect(test.engine.calls.length).toBe(engineCalls);
  });

  it("an explicit --target naming a skipped target is an error with a hint", async () => {
    const test = setup({ local: true });
    const error = await buildCommand(test.session(["trixie"]), [], {}, undefined).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(
      /^--target trixie: the local engine builds for this machine's Python only/,
    );
    expect((error as InputError).hint).toContain("build --target bookworm");
    // Refused when it needed a builder: only git was read, nothing built, no wheelhouse made.
    expect(test.calls.map((call) => call.argv[0])).toEqual(["git"]);
    expect(test.engine.calls).toEqual([]);
    expect(existsSync(path.join(test.root, "wheelhouse", "trixie"))).toBe(false);
  });
});

describe("--jobs", () => {
  it("defaults to one target at a time on 2 CPUs or fewer, else half the CPUs", () => {
    expect([1, 2, 3, 4, 8].map((cpus) => defaultJobs(cpus))).toEqual([1, 1, 1, 2, 4]);
  });
});
