import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../../src/config/load.js";
import type { HelperRequest } from "../../../src/domain/helper-request.js";
import type { Manifest } from "../../../src/domain/manifest.js";
import { SBOM_FILE, sbomText } from "../../../src/domain/sbom.js";
import type { ExecOptions } from "../../../src/engine/engine.js";
import {
  EngineFailureError,
  IntegrityError,
  InterruptedError,
  NotReproducibleError,
  ResourceError,
  UntrustedOutputError,
} from "../../../src/errors.js";
import type { WheelwrightEvent } from "../../../src/events.js";
import { buildWheelhouse } from "../../../src/workflows/build-wheelhouse.js";
import { type FakeContainer, FakeEngine } from "../../support/fake-engine.js";
import {
  FAKE_COMMIT_TIME,
  FAKE_INTERPRETER,
  FAKE_SHA,
  testContext,
  writeProject,
} from "../../support/workflow-context.js";
import { streamOf, tarBytes } from "../builders/tar-stream.js";
import { wheelMembers, zipBytes } from "../builders/wheel-zip.js";

const event = (message: Record<string, unknown>) => `@@wheelwright ${JSON.stringify(message)}`;

async function wheel(name: string, version: string, metadataExtra = ""): Promise<Buffer> {
  const members = wheelMembers({
    name,
    version,
    files: [{ name: `${name}/__init__.py`, data: "X = 1\n" }],
    metadata: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n${metadataExtra}`,
  });
  return zipBytes(members);
}

/** A helper that builds demo (the app) and tinydep: writes the handoff folder and prints events. */
function goodHelper(
  outcome: { request?: HelperRequest; argv?: readonly string[]; options?: ExecOptions } = {},
) {
  return async (argv: readonly string[], options: ExecOptions, container: FakeContainer) => {
    if (!argv.includes("wheelwright_helper")) return { exitCode: 0 };
    outcome.argv = argv;
    outcome.options = options;
    const request = JSON.parse(
      String(container.files.get("/wheelwright/input/request.json")),
    ) as HelperRequest;
    outcome.request = request;
    container.files.set(
      `${request.out}/app/demo-0.1.0-py3-none-any.whl`,
      await wheel("demo", "0.1.0", "Requires-Dist: tinydep\n"),
    );
    if (!request.appOnly)
      container.files.set(
        `${request.out}/deps/tinydep-1.0-py3-none-any.whl`,
        await wheel(
          "tinydep",
          "1.0",
          "License-Expression: MIT\nRequires-Dist: colorama; sys_platform == 'win32'\n",
        ),
      );
    const wheels = [
      { filename: "demo-0.1.0-py3-none-any.whl", folder: "app", origin: "built", sets: ["runtime"] },
      ...(request.appOnly
        ? []
        : [
            {
              filename: "tinydep-1.0-py3-none-any.whl",
              folder: "deps",
              origin: "fetched",
              sets: ["runtime"],
            },
          ]),
    ];
    container.files.set(
      `${request.out}/report.json`,
      JSON.stringify({ version: 1, app: "demo", interpreter: FAKE_INTERPRETER, wheels }),
    );
    return {
      exitCode: 0,
      output: [
        event({ kind: "phase", phase: "app" }),
        event({
          kind: "app",
          name: "demo",
          version: "0.1.0",
          filename: wheels[0]!.filename,
          requires: ["tinydep"],
          extras: [],
          groups: [],
        }),
        event({ kind: "done", wheels: wheels.length }),
      ].join("\n"),
    };
  };
}

/**
 * goodHelper, then what the real helper does with `hostWheels`: a wheel the host offered is not
 * handed over but listed as held, under the sha256 `claim` gives (the offered one by default).
 */
function holdingHelper(claim: (offered: string) => string = (offered) => offered) {
  const helper = goodHelper();
  return async (argv: readonly string[], options: ExecOptions, container: FakeContainer) => {
    const result = await helper(argv, options, container);
    if (!argv.includes("wheelwright_helper")) return result;
    const request = JSON.parse(
      String(container.files.get("/wheelwright/input/request.json")),
    ) as HelperRequest;
    const offered = new Map((request.hostWheels ?? []).map((w) => [w.filename, w.sha256]));
    const report = JSON.parse(String(container.files.get(`${request.out}/report.json`))) as {
      wheels: { filename: string; folder: string; held?: string }[];
    };
    for (const entry of report.wheels) {
      const sha = offered.get(entry.filename);
      if (sha === undefined) continue;
      container.files.delete(`${request.out}/${entry.folder}/${entry.filename}`);
      entry.held = claim(sha);
    }
    container.files.set(`${request.out}/report.json`, JSON.stringify(report));
    return result;
  };
}

/** Runs goodHelper for the engine's scripts and keeps each helper run's request, in order. */
function recordHelperRequests(engine: FakeEngine): HelperRequest[] {
  const requests: HelperRequest[] = [];
  const helper = goodHelper();
  engine.execScript = async (argv, options, container) => {
    const result = await helper(argv, options, container);
    if (argv.includes("wheelwright_helper"))
      requests.push(JSON.parse(String(container.files.get("/wheelwright/input/request.json"))));
    return result;
  };
  return requests;
}

function setup(options: { tool?: string } = {}) {
  const engine = new FakeEngine();
  engine.addImage("debian:bookworm-slim");
  const test = testContext({ engine });
  const root = writeProject(path.join(test.tmp, "project"), { tool: options.tool });
  // A git HEAD the build reads from files, and its commit time already known: no git process.
  mkdirSync(path.join(root, ".git", "refs", "heads"), { recursive: true });
  writeFileSync(path.join(root, ".git", "HEAD"), "ref: refs/heads/main\n");
  writeFileSync(path.join(root, ".git", "refs", "heads", "main"), `${FAKE_SHA}\n`);
  const project = loadProject({ cwd: root, env: test.ctx.env, flags: {} });
  return { ...test, engine, project, root };
}

const request = { extras: [], groups: [], requirements: [], force: false };
/** Every file of the wheelhouse, in name order, as bytes. */
const wheelhouseBytes = (root: string) =>
  readdirSync(path.join(root, "wheelhouse")).map((f) => readFileSync(path.join(root, "wheelhouse", f)));
/** What the last copy-out step said it took from where. */
const copyOutDetail = (events: WheelwrightEvent[]) =>
  events.flatMap((e) => (e.type === "step-finished" && e.id === "copy-out" ? [e.detail] : [])).at(-1);
/** A refused build: the wheelhouse as it was, no staging folder, no builder left. */
function expectNothingPublished(root: string, before: Buffer[], engine: FakeEngine): void {
  expect(wheelhouseBytes(root)).toEqual(before);
  expect(readdirSync(root).filter((name) => name.startsWith(".wheelhouse."))).toEqual([]);
  expect(engine.containers.size).toBe(0);
}
const manifestOf = (root: string) =>
  JSON.parse(readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8")) as Manifest;

describe("build workflow (fake engine, fake helper)", () => {
  it("builds, verifies and publishes; the manifest comes from the wheels, origin and sets from the report", async () => {
    const { ctx, engine, project, root } = setup();
    const seen: { request?: HelperRequest; argv?: readonly string[] } = {};
    engine.execScript = goodHelper(seen);
    const outcome = await buildWheelhouse(ctx, project, request);
    expect(outcome.status).toBe("built");
    const manifest = manifestOf(root);
    expect(manifest.wheels.map((w) => [w.name, w.version, w.origin, w.sets])).toEqual([
      ["demo", "0.1.0", "built", ["runtime"]],
      ["tinydep", "1.0", "fetched", ["runtime"]],
    ]);
    expect(manifest.app.requires).toEqual(["tinydep"]);
    expect(readdirSync(path.join(root, "wheelhouse")).sort()).toEqual([
      "demo-0.1.0-py3-none-any.whl",
      "manifest.json",
      "requirements.txt",
      "sbom.cdx.json",
      "tinydep-1.0-py3-none-any.whl",
    ]);
    expect(seen.argv).toEqual([
      "python3",
      "-m",
      "wheelwright_helper",
      "build",
      "--request",
      "/wheelwright/input/request.json",
    ]);
    expect(seen.request).toMatchObject({
      expectName: "demo",
      sourceDateEpoch: FAKE_COMMIT_TIME,
      appOnly: false,
    });
    // The builder was frozen before its output was read, and removed afterwards.
    expect(engine.verbs().filter((v) => ["pause", "copyOut", "stop"].includes(v))).toEqual([
      "pause",
      "copyOut",
      "stop",
    ]);
    expect(engine.containers.size).toBe(0);
  });

  it("asks for the cache volume beside the image lookup: made when missing, not asked again when there", async () => {
    const { ctx, engine, project } = setup();
    engine.execScript = goodHelper();
    await buildWheelhouse(ctx, project, request);
    const first = engine
      .verbs()
      .filter((v) => ["volumeExists", "ensureVolume", "startContainer"].includes(v));
    expect(first).toEqual(["volumeExists", "ensureVolume", "startContainer"]);
    engine.calls.length = 0;
    await buildWheelhouse(ctx, project, { ...request, force: true });
    const second = engine
      .verbs()
      .filter((v) => ["volumeExists", "ensureVolume", "startContainer"].includes(v));
    expect(second).toEqual(["volumeExists", "startContainer"]);
  });

  it("--force rebuilds from the cached build environments; --renew-build-envs makes them anew and says so", async () => {
    const { ctx, engine, events, project, root } = setup();
    const requests = recordHelperRequests(engine);
    await buildWheelhouse(ctx, project, request);
    const forced = await buildWheelhouse(ctx, project, { ...request, force: true });
    const renewed = await buildWheelhouse(ctx, project, { ...request, force: true, renewBuildEnvs: true });
    expect(requests.map((r) => r.freshBuildEnv)).toEqual([false, false, true]);
    // A rebuild offers the previous set's wheels (stored by the first build): the helper need not
    // hand those bytes over again. The first build had none to offer.
    expect(requests[0]!.hostWheels).toBeUndefined();
    const first = manifestOf(root);
    expect(requests[1]!.hostWheels).toEqual(
      first.wheels.map((w) => ({ filename: w.filename, sha256: w.sha256 })),
    );
    expect([forced.status, renewed.status]).toEqual(["built", "built"]);
    expect(manifestOf(root).wheels.map((w) => w.name)).toEqual(["demo", "tinydep"]);
    const reasons = events.flatMap((e) =>
      e.type === "notice" && e.message.startsWith("building") ? [e.message] : [],
    );
    expect(reasons.slice(-2)).toEqual(["building: --force", "building: --renew-build-envs"]);
  });

  it("--check-reproducible builds twice, records the check, and publishes the set alone (not the second build's copies)", async () => {
    const { ctx, engine, project, root } = setup();
    const requests = recordHelperRequests(engine);
    const outcome = await buildWheelhouse(ctx, project, { ...request, checkReproducible: true });
    expect(outcome.status).toBe("built");
    // The second build ran in another work folder.
    expect(requests.map((r) => r.work)).toEqual(["/wheelwright/work", "/wheelwright/work-again"]);
    expect(manifestOf(root).reproducible).toMatchObject({ checked: true });
    // Checked again over a wheelhouse: each build hands over its own bytes, none is taken as held.
    requests.length = 0;
    await buildWheelhouse(ctx, project, { ...request, checkReproducible: true });
    expect(requests.map((r) => r.hostWheels)).toEqual([undefined, undefined]);
    expect(readdirSync(path.join(root, "wheelhouse")).sort()).toEqual([
      "demo-0.1.0-py3-none-any.whl",
      "manifest.json",
      "requirements.txt",
      "sbom.cdx.json",
      "tinydep-1.0-py3-none-any.whl",
    ]);
    expect(engine.containers.size).toBe(0);
  });

  it("--check-reproducible: a member that differs the second time is named (exit 13); nothing is published", async () => {
    const { ctx, engine, project, root } = setup();
    const helper = goodHelper();
    let builds = 0;
    engine.execScript = async (argv, options, container) => {
      const result = await helper(argv, options, container);
      if (!argv.includes("wheelwright_helper")) return result;
      builds += 1;
      const out = "/wheelwright/out/app/demo-0.1.0-py3-none-any.whl";
      container.files.set(
        out,
        await zipBytes(
          wheelMembers({
            name: "demo",
            version: "0.1.0",
            files: [{ name: "demo/_built.py", data: `BUILT = ${builds}\n` }],
            metadata: "Metadata-Version: 2.1\nName: demo\nVersion: 0.1.0\nRequires-Dist: tinydep\n",
          }),
        ),
      );
      return result;
    };
    const error = await buildWheelhouse(ctx, project, { ...request, checkReproducible: true }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotReproducibleError);
    expect((error as NotReproducibleError).exitCode).toBe(13);
    expect((error as NotReproducibleError).details[0]).toBe(
      "demo-0.1.0-py3-none-any.whl: members differ: demo/_built.py, demo-0.1.0.dist-info/RECORD",
    );
    expect(existsSync(path.join(root, "wheelhouse"))).toBe(false);
    expect(readdirSync(root).filter((name) => name.startsWith(".wheelhouse."))).toEqual([]);
    expect(engine.containers.size).toBe(0);
  });

  it("writes the SBOM beside the manifest, from it; an app-only build and a restore keep every wheel's facts", async () => {
    const { ctx, engine, project, root } = setup();
    const requests = recordHelperRequests(engine);
    const sbomFile = path.join(root, "wheelhouse", SBOM_FILE);
    const facts = () => {
      const sbom = JSON.parse(readFileSync(sbomFile, "utf8"));
      return {
        components: sbom.components.map((c: { purl: string; licenses?: unknown }) => [c.purl, c.licenses]),
        dependencies: sbom.dependencies,
      };
    };
    await buildWheelhouse(ctx, project, request);
    const first = readFileSync(sbomFile, "utf8");
    expect(first).toBe(sbomText(manifestOf(root)));
    const expected = {
      components: [
        ["pkg:pypi/demo@0.1.0", undefined],
        ["pkg:pypi/tinydep@1.0", [{ expression: "MIT" }]],
      ],
      dependencies: [
        { ref: "application:demo@0.1.0", dependsOn: ["pkg:pypi/demo@0.1.0"] },
        { ref: "pkg:pypi/demo@0.1.0", dependsOn: ["pkg:pypi/tinydep@1.0"] },
        { ref: "pkg:pypi/tinydep@1.0", dependsOn: [] },
      ],
    };
    expect(facts()).toEqual(expected);
    // The app's code changes: only its wheel is rebuilt; tinydep's license and edges come from the manifest.
    writeFileSync(path.join(root, "demo", "__init__.py"), "VALUE = 2\n");
    const appOnly = await buildWheelhouse(ctx, loadProject({ cwd: root, env: ctx.env, flags: {} }), request);
    expect(appOnly.mode.kind).toBe("app-only");
    expect(requests.map((r) => r.appOnly)).toEqual([false, true]);
    expect(facts()).toEqual(expected);
    expect(readFileSync(sbomFile, "utf8")).toBe(sbomText(manifestOf(root)));
    // Back to the first code, the wheelhouse removed: restored from the store, the same SBOM bytes.
    writeFileSync(path.join(root, "demo", "__init__.py"), "VALUE = 1\n");
    rmSync(path.join(root, "wheelhouse"), { recursive: true });
    const restored = await buildWheelhouse(ctx, loadProject({ cwd: root, env: ctx.env, flags: {} }), request);
    expect(restored.status).toBe("restored");
    expect(requests).toHaveLength(2);
    expect(readFileSync(sbomFile, "utf8")).toBe(first);
  });

  it("an up-to-date build starts no process and asks the engine nothing", async () => {
    const { ctx, engine, project, calls } = setup();
    engine.execScript = goodHelper();
    await buildWheelhouse(ctx, project, request);
    const before = { calls: calls.length, engine: engine.calls.length };
    const outcome = await buildWheelhouse(ctx, project, request);
    expect(outcome.status).toBe("up-to-date");
    expect(calls.length).toBe(before.calls);
    expect(engine.calls.length).toBe(before.engine);
  });

  it("a missing SBOM or edited pinned requirements make the wheelhouse out of date: both are written again", async () => {
    const { ctx, engine, project, root } = setup();
    engine.execScript = goodHelper();
    await buildWheelhouse(ctx, project, request);
    const sbomFile = path.join(root, "wheelhouse", SBOM_FILE);
    const requirementsFile = path.join(root, "wheelhouse", "requirements.txt");
    const written = {
      sbom: readFileSync(sbomFile, "utf8"),
      requirements: readFileSync(requirementsFile, "utf8"),
    };
    rmSync(sbomFile);
    const afterSbom = await buildWheelhouse(ctx, project, request);
    expect(afterSbom.status).not.toBe("up-to-date");
    expect(readFileSync(sbomFile, "utf8")).toBe(written.sbom);
    writeFileSync(requirementsFile, "django==9.9\n");
    const afterRequirements = await buildWheelhouse(ctx, project, request);
    expect(afterRequirements.status).not.toBe("up-to-date");
    expect(readFileSync(requirementsFile, "utf8")).toBe(written.requirements);
    expect((await buildWheelhouse(ctx, project, request)).status).toBe("up-to-date");
  });

  it("moves index credentials out of every URL into a netrc (mode 0600); the request and argv hold none", async () => {
    const { ctx, engine, project, secrets } = setup({
      tool: "",
    });
    // A listening socket on loopback: the index is reachable (the build probes it), and no name is looked up.
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const withCredentials = loadProject({
      cwd: project.root,
      env: ctx.env,
      flags: { "index-url": `http://alice:S3CRET-pw@127.0.0.1:${port}/simple` },
    });
    const seen: { request?: HelperRequest; argv?: readonly string[]; options?: ExecOptions } = {};
    engine.execScript = goodHelper(seen);
    await buildWheelhouse(ctx, withCredentials, request).finally(() => server.close());
    expect(JSON.stringify(seen.request)).not.toContain("S3CRET");
    expect(seen.request!.index.indexUrl).toBe(`http://127.0.0.1:${port}/simple`);
    expect(JSON.stringify(seen.argv)).not.toContain("S3CRET");
    expect(JSON.stringify(seen.options)).not.toContain("S3CRET");
    // The netrc goes in with the rest of the build's inputs: one copy into the builder's root.
    const copies = engine.calls.filter((c) => c.verb === "copyIn");
    expect(copies.map((c) => c.args[1])).toEqual(["/wheelwright"]);
    const entries = copies[0]!.args[2] as string[];
    expect(entries).toContain("home/.netrc");
    expect(entries).toContain("input/request.json");
    expect(entries).toContain("bin/wheelwright_helper/__main__.py");
    expect(entries.filter((e) => e.startsWith("src/")).length).toBeGreaterThan(0);
    expect(secrets).toContain("S3CRET-pw");
  });

  it("a rebuild takes the wheels the helper says the host holds from the store: the same bytes, told in the step", async () => {
    const { ctx, engine, events, project, root } = setup();
    engine.execScript = goodHelper();
    await buildWheelhouse(ctx, project, request);
    const before = manifestOf(root);
    const bytes = (m: Manifest) =>
      m.wheels.map((w) => readFileSync(path.join(root, "wheelhouse", w.filename)));
    const was = bytes(before);
    engine.execScript = holdingHelper();
    const outcome = await buildWheelhouse(ctx, project, { ...request, force: true });
    expect(outcome.status).toBe("built");
    expect(manifestOf(root).wheels).toEqual(before.wheels);
    expect(bytes(manifestOf(root))).toEqual(was);
    expect(copyOutDetail(events)).toBe("0 files copied; 2 already on the host, taken from its result store");
    expect(engine.containers.size).toBe(0);
  });

  /**
   * A project with a find-links folder holding tinydep's wheel, and a helper that does with it what
   * the real one does with a wheel pip took from there: names it `at` its path and hands it not
   * over; `lines` are printed before the helper's own output (hints).
   */
  async function hostFolderProject(lines: (file: string, root: string) => string[] = () => []) {
    const world = setup();
    const { ctx, engine, root } = world;
    const pyproject = path.join(root, "pyproject.toml");
    writeFileSync(
      pyproject,
      readFileSync(pyproject, "utf8").replace("find-links = []", 'find-links = ["localwheels"]'),
    );
    const project = loadProject({ cwd: root, env: ctx.env, flags: {} });
    const folder = path.join(root, "localwheels");
    mkdirSync(folder);
    const file = path.join(folder, "tinydep-1.0-py3-none-any.whl");
    const dep = await wheel("tinydep", "1.0", "License-Expression: MIT\n");
    writeFileSync(file, dep);
    const helper = goodHelper();
    const offered: (string[] | undefined)[] = [];
    engine.execScript = async (argv, options, container) => {
      const result = await helper(argv, options, container);
      if (!argv.includes("wheelwright_helper")) return result;
      const request = JSON.parse(
        String(container.files.get("/wheelwright/input/request.json")),
      ) as HelperRequest;
      offered.push(request.hostFolders);
      container.files.delete(`${request.out}/deps/tinydep-1.0-py3-none-any.whl`);
      const report = JSON.parse(String(container.files.get(`${request.out}/report.json`))) as {
        wheels: { filename: string; at?: string }[];
      };
      report.wheels[1]!.at = file;
      container.files.set(`${request.out}/report.json`, JSON.stringify(report));
      const before = lines(file, root);
      return before.length === 0
        ? result
        : { ...result, output: `${before.join("\n")}\n${result.output ?? ""}` };
    };
    return { ...world, project, folder, file, dep, offered };
  }

  it("a fetched wheel from the host's own find-links folder is read there, not copied out", async () => {
    const { ctx, engine, events, root, project, folder, dep, offered } = await hostFolderProject();
    await buildWheelhouse(ctx, project, request);
    expect(offered[0]).toContain(folder);
    const manifest = manifestOf(root);
    const tinydep = manifest.wheels.find((w) => w.name === "tinydep")!;
    expect(readFileSync(path.join(root, "wheelhouse", tinydep.filename)).equals(dep)).toBe(true);
    expect(tinydep.license).toEqual({ expression: "MIT" });
    expect(copyOutDetail(events)).toBe("1 file copied; 1 read from the host's own local index folders");
    expect(engine.containers.size).toBe(0);
  });

  it("a wheel the helper hints at as it fetches it is read then, while the builder works on", async () => {
    const hint = (at: string) => `@@wheelwright ${JSON.stringify({ kind: "host-file", at })}`;
    // The hints come while the helper runs; a hint outside the offered folders is only ignored.
    const { ctx, engine, events, root, project, file, dep } = await hostFolderProject((at, where) => [
      hint(at),
      hint(path.join(where, "pyproject.toml")),
      hint("/etc/passwd"),
    ]);
    // The host's file changes after the helper ended: the copy read at the hint is the one published.
    engine.copyOutTar = () => {
      writeFileSync(file, "changed after the hint");
      return undefined;
    };
    await buildWheelhouse(ctx, project, request);
    const manifest = manifestOf(root);
    const tinydep = manifest.wheels.find((w) => w.name === "tinydep")!;
    expect(readFileSync(path.join(root, "wheelhouse", tinydep.filename)).equals(dep)).toBe(true);
    expect(copyOutDetail(events)).toBe("1 file copied; 1 read from the host's own local index folders");
    // Nothing of the early copies is left beside the wheelhouse.
    expect(readdirSync(path.join(root, "wheelhouse")).filter((n) => n.startsWith("."))).toEqual([]);
    expect(engine.containers.size).toBe(0);
  });

  it("a held claim for bytes the host did not offer: exit 12, the previous wheelhouse intact", async () => {
    const { ctx, engine, project, root } = setup();
    engine.execScript = goodHelper();
    await buildWheelhouse(ctx, project, request);
    const before = wheelhouseBytes(root);
    engine.execScript = holdingHelper(() => "f".repeat(64));
    const error = await buildWheelhouse(ctx, project, { ...request, force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UntrustedOutputError);
    expect((error as UntrustedOutputError).exitCode).toBe(12);
    expect((error as Error).message).toContain("but the host offered no such wheel");
    expectNothingPublished(root, before, engine);
  });

  it("a symlink named like a wheel in the output: exit 12, the previous wheelhouse intact, no staging left", async () => {
    const { ctx, engine, project, root } = setup();
    engine.execScript = goodHelper();
    await buildWheelhouse(ctx, project, request);
    const before = wheelhouseBytes(root);
    engine.copyOutTar = () =>
      streamOf(
        tarBytes([
          { path: "out/", type: "Directory" },
          { path: "out/deps/evil-1.0-py3-none-any.whl", type: "SymbolicLink", linkpath: "/etc/passwd" },
        ]),
      );
    const error = await buildWheelhouse(ctx, project, { ...request, force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UntrustedOutputError);
    expect((error as UntrustedOutputError).exitCode).toBe(12);
    expect((error as Error).message).toContain("out/deps/evil-1.0-py3-none-any.whl");
    expectNothingPublished(root, before, engine);
  });

  it("a wheel whose RECORD lies is refused (exit 7), naming the member", async () => {
    const { ctx, engine, project } = setup();
    engine.execScript = async (argv, options, container) => {
      const result = await goodHelper()(argv, options, container);
      if (argv.includes("wheelwright_helper")) {
        const members = wheelMembers({
          name: "tinydep",
          version: "1.0",
          editRecord: (r) => r.replace(/sha256=[^,]+/, "sha256=AAAA"),
        });
        container.files.set("/wheelwright/out/deps/tinydep-1.0-py3-none-any.whl", await zipBytes(members));
      }
      return result;
    };
    const error = await buildWheelhouse(ctx, project, request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toMatch(/tinydep-1.0-py3-none-any.whl/);
  });

  it("a report that names a file not handed over, or misses one handed over, is refused", async () => {
    const { ctx, engine, project } = setup();
    engine.execScript = async (argv, options, container) => {
      const result = await goodHelper()(argv, options, container);
      if (argv.includes("wheelwright_helper"))
        container.files.set("/wheelwright/out/deps/extra-1.0-py3-none-any.whl", await wheel("extra", "1.0"));
      return result;
    };
    await expect(buildWheelhouse(ctx, project, request)).rejects.toThrow(
      /extra-1.0-py3-none-any.whl was handed over but the report does not list it/,
    );
  });

  it("a dependency killed by the builder's memory limit: exit 11, the package named, the memory key in the hint", async () => {
    const { ctx, engine, project } = setup({ tool: 'memory = "512m"\n' });
    engine.execScript = (argv) => {
      if (argv.includes("wheelwright_helper"))
        return {
          exitCode: 23,
          output: event({
            kind: "error",
            error: "deps-build",
            package: "cffi",
            version: "1.17",
            signal: 9,
            tail: ["Killed"],
          }),
        };
      if (argv.join(" ").includes("oom_control"))
        return { exitCode: 0, output: "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n" };
      return { exitCode: 0 };
    };
    const error = await buildWheelhouse(ctx, project, request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceError);
    expect((error as Error).message).toMatch(/ran out of memory while building cffi.*limit: 512m/);
    expect((error as ResourceError).hint).toMatch(/`memory`/);
  });

  it("a copy-in that fails: the helper never runs; the copy's error is told, nothing published, the builder removed", async () => {
    const { ctx, engine, project, root } = setup();
    engine.execScript = goodHelper();
    await buildWheelhouse(ctx, project, request);
    const before = wheelhouseBytes(root);
    engine.calls.length = 0;
    engine.copyInFailure = () => new EngineFailureError("Could not copy files into the builder");
    const error = await buildWheelhouse(ctx, project, { ...request, force: true }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("Could not copy files into the builder");
    expect(engine.calls.filter((call) => call.verb === "copyIn")).toHaveLength(1);
    expect(engine.calls.filter((call) => call.verb === "exec")).toEqual([]);
    expectNothingPublished(root, before, engine);
  });

  it("interrupted mid-build: the interruption is told, staging removed, the builder removed", async () => {
    const { ctx, engine, project, root, abort } = setup();
    engine.execScript = (argv) => {
      if (argv.includes("wheelwright_helper")) abort.abort(new InterruptedError("SIGINT"));
      return { exitCode: 130, aborted: true };
    };
    await expect(buildWheelhouse(ctx, project, request)).rejects.toBeInstanceOf(InterruptedError);
    expect(existsSync(path.join(root, "wheelhouse"))).toBe(false);
    expect(readdirSync(root).filter((name) => name.startsWith(".wheelhouse."))).toEqual([]);
    expect(engine.containers.size).toBe(0);
  });
});
