// Remote engines (issue 13 item 2): which endpoints share this machine's files, how the local
// index folders reach a builder on each, what `--context` does to every engine command, and what
// `info` says about the endpoint. The engine tier runs the same through ssh:// (test/engine/remote-engine.test.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadedProject } from "../../src/config/load.js";
import {
  classifyEndpoint,
  endpointOfContext,
  environmentForContext,
} from "../../src/domain/engine-endpoint.js";
import { decideIndexDelivery, loopbackIndexUrls } from "../../src/domain/index-delivery.js";
import { DockerCli } from "../../src/engine/docker-cli.js";
import { engineUnavailable } from "../../src/engine/engine-errors.js";
import type { RunOptions, RunResult } from "../../src/engine/process-runner.js";
import { InputError } from "../../src/errors.js";
import { startContainerSandbox } from "../../src/execute/container-sandbox.js";
import { HELPER_PARENT } from "../../src/execute/helper-files.js";
import { builderContainerSpec } from "../../src/plan/builder-container.js";
import { folderSize } from "../../src/project/folder-size.js";
import { folderCopySteps, foldersToCopy, withFolderCopies } from "../../src/workflows/index-delivery.js";
import { FakeEngine } from "../support/fake-engine.js";
import { guardedRunner } from "../support/guarded-runner.js";
import { runInProcess, testEnv } from "../support/in-process.js";
import { writeProject } from "../support/project-files.js";
import { recordingRunner } from "../support/recording-runner.js";

const MiB = 1024 ** 2;

describe("endpoint classification", () => {
  it.each([
    ["unix:///var/run/docker.sock", "unix", "local"],
    ["npipe:////./pipe/docker_engine", "npipe", "local"],
    ["ssh://root@127.0.0.1:2222", "ssh", "remote"],
    ["tcp://127.0.0.1:2375", "tcp", "remote"],
    ["https://127.0.0.1:2376", "tcp", "remote"],
    ["fd://", "other", "remote"],
  ])("%s is %s, %s", (url, transport, location) => {
    expect(classifyEndpoint(url)).toEqual({ url, transport, location });
  });

  it("takes the endpoint from the context the client inspects, naming only a context other than default", () => {
    const named = { Name: "build-host", Endpoints: { docker: { Host: "ssh://ci@127.0.0.1" } } };
    expect(endpointOfContext(named, undefined)).toEqual({ url: "ssh://ci@127.0.0.1", context: "build-host" });
    const fromHost = { Name: "default", Endpoints: { docker: { Host: "tcp://127.0.0.1:2375" } } };
    expect(endpointOfContext(fromHost, "tcp://127.0.0.1:2375")).toEqual({
      url: "tcp://127.0.0.1:2375",
      context: undefined,
    });
    // A client that cannot inspect contexts: DOCKER_HOST, else the default socket.
    expect(endpointOfContext(undefined, "ssh://u@127.0.0.1").url).toBe("ssh://u@127.0.0.1");
    expect(endpointOfContext(undefined, undefined).url).toBe("unix:///var/run/docker.sock");
  });

  it("--context names the context for docker and podman and drops DOCKER_HOST, which would win over it", () => {
    const env = { PATH: "/bin", DOCKER_HOST: "ssh://a@127.0.0.1", CONTAINER_HOST: "unix:///x" };
    const withContext = environmentForContext(env, "ctx1");
    expect(withContext).toEqual({ PATH: "/bin", DOCKER_CONTEXT: "ctx1", CONTAINER_CONNECTION: "ctx1" });
    expect(environmentForContext(env, undefined)).toEqual(env);
  });
});

describe("the docker adapter's probe", () => {
  it("asks the client which context it resolves, and judges the endpoint from it", async () => {
    const { runner, calls } = recordingRunner({
      "docker version": {
        exitCode: 0,
        stdout: JSON.stringify({
          Client: { Version: "28.2.2" },
          Server: { Version: "20.10.24", Os: "linux", Arch: "amd64" },
        }),
      },
      "docker context inspect": {
        exitCode: 0,
        stdout: JSON.stringify({
          Name: "remote1",
          Endpoints: { docker: { Host: "ssh://root@127.0.0.1:2200" } },
        }),
      },
    });
    const capabilities = await new DockerCli({ binary: "docker", runner, env: {} }).probe();
    expect(calls.map((call) => call.argv)).toContainEqual([
      "docker",
      "context",
      "inspect",
      "--format",
      "{{json .}}",
    ]);
    expect(capabilities).toMatchObject({
      endpoint: "ssh://root@127.0.0.1:2200",
      location: "remote",
      context: "remote1",
      serverVersion: "20.10.24",
    });
  });

  it("falls back to DOCKER_HOST when the client cannot inspect contexts", async () => {
    const { runner } = recordingRunner({
      "docker version": { exitCode: 0, stdout: JSON.stringify({ Client: { Version: "18.09" }, Server: {} }) },
      "docker context": { exitCode: 1, stderr: "unknown command" },
    });
    const env = { DOCKER_HOST: "tcp://127.0.0.1:2375" };
    const capabilities = await new DockerCli({ binary: "docker", runner, env }).probe();
    expect(capabilities).toMatchObject({ endpoint: "tcp://127.0.0.1:2375", location: "remote" });
    expect(capabilities.context).toBeUndefined();
  });
});

describe("local index folders on a local or remote engine", () => {
  it("a local engine mounts them, whatever their size", () => {
    const folders = [{ dir: "/opt/pypi", bytes: undefined }];
    expect(decideIndexDelivery("local", folders, MiB)).toEqual({ kind: "mount", dirs: ["/opt/pypi"] });
  });

  it("a remote engine gets them copied when they fit the limit together", () => {
    const folders = [
      { dir: "/srv/index", bytes: 300 * 1024 },
      { dir: "/srv/links", bytes: 200 * 1024 },
    ];
    expect(decideIndexDelivery("remote", folders, MiB)).toEqual({ kind: "copy", copies: folders });
  });

  it("a remote engine is refused folders over the limit, alone or together", () => {
    const alone = decideIndexDelivery("remote", [{ dir: "/opt/pypi", bytes: undefined }], MiB);
    expect(alone.kind).toBe("refuse");
    const together = decideIndexDelivery(
      "remote",
      [
        { dir: "/a", bytes: 600 * 1024 },
        { dir: "/b", bytes: 600 * 1024 },
      ],
      MiB,
    );
    expect(together).toMatchObject({ kind: "refuse", totalKnown: 1200 * 1024, limit: MiB });
  });

  it("the refusal names each folder with its size, the limit and what to do", () => {
    const project = { config: { remoteIndexLimit: { value: "1m" } } } as unknown as LoadedProject;
    const refusal = decideIndexDelivery("remote", [{ dir: "/opt/pypi", bytes: undefined }], MiB);
    let thrown: unknown;
    try {
      foldersToCopy(refusal, project, "ssh://root@127.0.0.1:2200");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    const error = thrown as InputError;
    expect(error.message).toContain("ssh://root@127.0.0.1:2200 is remote");
    expect(error.message).toContain("remote-index-limit 1m");
    expect(error.details).toEqual(["/opt/pypi: over 1.0 MiB"]);
    expect(error.hint).toMatch(/--remote-index-limit/);
    expect(error.hint).toMatch(/HTTP/);
  });

  it("the plan shows each copy right after the builder starts, with its size", () => {
    const copies = folderCopySteps(
      "docker",
      "wheelwright-r1",
      [{ dir: "/srv/index", bytes: 3 * MiB }],
      "ssh://h",
    );
    expect(copies[0]).toMatchObject({
      title: "copying the local index /srv/index (3.0 MiB) into the builder: the engine at ssh://h is remote",
      command: { argv: ["docker", "cp", "-", "wheelwright-r1:/"] },
    });
    const steps = withFolderCopies(
      [
        { id: "builder", title: "start" },
        { id: "helper", title: "run" },
      ],
      copies,
    );
    expect(steps.map((step) => step.id)).toEqual(["builder", "copy-in:/srv/index", "helper"]);
  });
});

describe("folder sizes", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "wheelwright-folder-size-"));
    mkdirSync(path.join(dir, "simple", "pkg"), { recursive: true });
    writeFileSync(path.join(dir, "simple", "pkg", "index.html"), "x".repeat(100));
    mkdirSync(path.join(dir, "files"));
    writeFileSync(path.join(dir, "files", "pkg-1.0.tar.gz"), Buffer.alloc(5000));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("sums the files below a folder, and stops once over the cap", () => {
    expect(folderSize(dir, 10_000)).toBe(5100);
    expect(folderSize(dir, 5099)).toBeUndefined();
  });
});

describe("--context and info", () => {
  let scratch: string;
  let root: string;
  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), "wheelwright-remote-engines-"));
    root = writeProject(
      { scenario: "remote-engines" },
      {
        parent: scratch,
        namespace: "wwtest",
        findLinks: path.join(scratch, "index"),
        baseImage: "wwtest/test-base:latest",
        builderImage: "wwtest/test-builder:latest",
      },
    );
    await import("../../src/cli/commands/info.js");
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** Answers the probe as an engine behind the context the environment names; records each engine call's environment. */
  function contextRunner() {
    const guarded = guardedRunner();
    const engineEnvs: Record<string, string | undefined>[] = [];
    const answer = (stdout: string): RunResult => ({
      exitCode: 0,
      stdout,
      stderr: "",
      timedOut: false,
      aborted: false,
    });
    return {
      engineEnvs,
      runner: {
        ...guarded,
        run: async (argv: readonly string[], options?: RunOptions) => {
          if (!argv[0]?.endsWith("docker")) return guarded.run(argv, options);
          const env = options?.env ?? {};
          engineEnvs.push(env);
          const line = argv.slice(1).join(" ");
          if (line.startsWith("version"))
            return answer(
              JSON.stringify({
                Client: { Version: "28.2.2" },
                Server: { Version: "20.10.24", Os: "linux", Arch: "amd64" },
              }),
            );
          if (line.startsWith("context inspect"))
            return answer(
              JSON.stringify({
                Name: env.DOCKER_CONTEXT ?? "default",
                Endpoints: {
                  docker: {
                    Host:
                      env.DOCKER_CONTEXT === undefined
                        ? "unix:///var/run/docker.sock"
                        : "ssh://root@127.0.0.1:2200",
                  },
                },
              }),
            );
          return answer("[]");
        },
      },
    };
  }

  it("--context reaches every engine command as DOCKER_CONTEXT, DOCKER_HOST dropped; info shows the remote endpoint", async () => {
    const { runner, engineEnvs } = contextRunner();
    const result = await runInProcess(["--context", "ctx-a", "info"], {
      cwd: root,
      env: testEnv(scratch, { DOCKER_HOST: "tcp://127.0.0.1:1" }),
      runner,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(engineEnvs.length).toBeGreaterThan(1);
    for (const env of engineEnvs) {
      expect(env.DOCKER_CONTEXT).toBe("ctx-a");
      expect(env.DOCKER_HOST).toBeUndefined();
    }
    expect(result.stdout).toMatch(/endpoint ssh:\/\/root@127\.0\.0\.1:2200 \(remote, context ctx-a\)/);
  });

  it("without --context, info says the engine is local", async () => {
    const { runner, engineEnvs } = contextRunner();
    const result = await runInProcess(["info", "--json"], { cwd: root, env: testEnv(scratch), runner });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(engineEnvs.every((env) => env.DOCKER_CONTEXT === undefined)).toBe(true);
    const description = JSON.parse(result.stdout) as { engine: { endpoint: string; location: string } };
    expect(description.engine).toMatchObject({ endpoint: "unix:///var/run/docker.sock", location: "local" });
  });
});

describe("loopback index URLs seen from a remote engine", () => {
  it("names the HTTP locations on 127.0.0.0/8, localhost or ::1, and no file:// or other host", () => {
    const found = loopbackIndexUrls({
      indexUrl: "http://127.0.0.1:3141/root/pypi/+simple/",
      extraIndexUrls: ["https://localhost/simple", "http://[::1]:8080/simple", "file:///opt/pypi/simple"],
      findLinks: ["/opt/wheels", "http://127.9.9.9/links/", "http://0.0.0.0:8080/links/"],
    });
    expect(found).toEqual([
      "http://127.0.0.1:3141/root/pypi/+simple/",
      "https://localhost/simple",
      "http://[::1]:8080/simple",
      "http://127.9.9.9/links/",
    ]);
  });
});

describe("a context that does not exist", () => {
  it("is said to be missing, not the docker command", () => {
    const error = engineUnavailable(
      "docker",
      'Failed to initialize: unable to resolve docker endpoint: context "nope-ctx": context not found: open /root/.docker/contexts/meta/0b1c/meta.json: no such file or directory',
      false,
      { DOCKER_CONTEXT: "nope-ctx" },
    );
    expect(error.message).toBe("The docker context nope-ctx does not exist");
    expect(error.hint).toMatch(/docker context ls/);
  });
});

describe("the builder of a remote engine", () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), "wheelwright-host-folder-"));
    mkdirSync(path.join(folder, "simple", "tinydep"), { recursive: true });
    writeFileSync(
      path.join(folder, "simple", "tinydep", "index.html"),
      "<a href='../../files/t.tar.gz'>t</a>\n",
    );
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("gets each host folder as a tar of its path below /, unpacked at / (the same path as on the host)", async () => {
    const engine = new FakeEngine();
    const spec = builderContainerSpec({
      name: "wheelwright-r1",
      image: "ns/app-builder:abc",
      labels: {},
      network: "host",
      cacheVolume: "wheelwright-cache-ns-app",
      readOnlyHostDirs: [],
      imageVolumes: [],
    });
    expect(spec.mounts.filter((mount) => mount.kind === "bind")).toEqual([]);
    const sandbox = await startContainerSandbox({
      engine,
      spec,
      helperParent: HELPER_PARENT,
      hostFolders: [folder],
    });
    await sandbox.putSource(["simple/tinydep/index.html"], folder);
    await sandbox.close();
    const copies = engine.calls.filter((call) => call.verb === "copyIn" && call.args[1] === "/");
    expect(copies).toHaveLength(1);
    const entries = copies[0]!.args[2] as string[];
    expect(entries).toContain(`${folder.slice(1)}/simple/tinydep/index.html`);
  });
});
