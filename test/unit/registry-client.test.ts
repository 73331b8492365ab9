// The wheel cache's registry client without a network or a process: credentials from a
// DOCKER_CONFIG folder the test writes (auths, a credential helper answered by a fake runner), and
// the 401 dance (Basic, Bearer token) over a fake fetch that records what it was sent.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCacheRef } from "../../src/domain/cache-ref.js";
import type { ProcessRunner, RunOptions } from "../../src/engine/process-runner.js";
import { RegistryError } from "../../src/errors.js";
import { RegistryClient } from "../../src/execute/registry-client.js";
import { findRegistryCredentials } from "../../src/execute/registry-credentials.js";

const REGISTRY = "127.0.0.1:5000";

function dockerConfig(config: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), "wheelwright-docker-config-"));
  writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
  return dir;
}

/** A runner that answers one credential helper; every call recorded with its stdin. */
function helperRunner(answer: { exitCode: number; stdout: string }) {
  const calls: { argv: readonly string[]; input: RunOptions["input"] }[] = [];
  const runner: ProcessRunner = {
    run: async (argv, options) => {
      calls.push({ argv, input: options?.input });
      return { ...answer, stderr: "", timedOut: false, aborted: false };
    },
  };
  return { runner, calls };
}

const noProcesses: ProcessRunner = {
  run: async (argv) => {
    throw new Error(`no process expected: ${argv.join(" ")}`);
  },
};

describe("registry credentials from the engine's login", () => {
  it("reads a base64 user:password from auths (host or old URL key), honouring DOCKER_CONFIG", async () => {
    const auth = Buffer.from("alice:pa:ss").toString("base64");
    for (const key of [REGISTRY, `http://${REGISTRY}/v1/`]) {
      const dir = dockerConfig({ auths: { [key]: { auth } } });
      expect(await findRegistryCredentials(REGISTRY, { DOCKER_CONFIG: dir }, noProcesses)).toEqual({
        username: "alice",
        password: "pa:ss",
      });
    }
    const other = dockerConfig({ auths: { "127.0.0.1:6000": { auth } } });
    expect(await findRegistryCredentials(REGISTRY, { DOCKER_CONFIG: other }, noProcesses)).toBeUndefined();
  });

  it("falls back to $HOME/.docker/config.json; nothing found is no credentials", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wheelwright-home-"));
    expect(await findRegistryCredentials(REGISTRY, { HOME: home }, noProcesses)).toBeUndefined();
    const dir = dockerConfig({ auths: { [REGISTRY]: { username: "bob", password: "pw" } } });
    const { renameSync, mkdirSync } = await import("node:fs");
    mkdirSync(path.join(home, ".docker"));
    renameSync(path.join(dir, "config.json"), path.join(home, ".docker", "config.json"));
    expect(await findRegistryCredentials(REGISTRY, { HOME: home }, noProcesses)).toEqual({
      username: "bob",
      password: "pw",
    });
  });

  it("asks credHelpers' helper for this host (the host on stdin, never in argv), before credsStore", async () => {
    const { runner, calls } = helperRunner({ exitCode: 0, stdout: '{"Username":"carol","Secret":"s3cret"}' });
    const dir = dockerConfig({ credsStore: "desktop", credHelpers: { [REGISTRY]: "pass" } });
    expect(await findRegistryCredentials(REGISTRY, { DOCKER_CONFIG: dir }, runner)).toEqual({
      username: "carol",
      password: "s3cret",
    });
    expect(calls).toEqual([{ argv: ["docker-credential-pass", "get"], input: REGISTRY }]);
  });

  it("a helper that fails or has nothing gives no credentials; a helper name with a path is not run", async () => {
    const { runner } = helperRunner({ exitCode: 1, stdout: "credentials not found in native keychain" });
    const dir = dockerConfig({ credsStore: "desktop" });
    expect(await findRegistryCredentials(REGISTRY, { DOCKER_CONFIG: dir }, runner)).toBeUndefined();
    const sneaky = dockerConfig({ credsStore: "../../bin/sh" });
    expect(await findRegistryCredentials(REGISTRY, { DOCKER_CONFIG: sneaky }, noProcesses)).toBeUndefined();
  });
});

type Sent = { url: string; method: string; authorization: string | undefined };

/** A fetch answering from a script of (request) => Response, recording each request. */
function fakeFetch(answer: (sent: Sent) => Response) {
  const sent: Sent[] = [];
  const fetch = (async (input: string | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const request = {
      url: String(input),
      method: init?.method ?? "GET",
      authorization: headers.get("authorization") ?? undefined,
    };
    sent.push(request);
    return answer(request);
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

function client(fetch: typeof globalThis.fetch, env: Record<string, string> = {}) {
  const secrets: string[] = [];
  const registry = new RegistryClient(parseCacheRef(`${REGISTRY}/acme/wheels`), {
    env,
    runner: noProcesses,
    signal: new AbortController().signal,
    addSecrets: (values) => secrets.push(...values),
    timeoutMs: 5000,
    fetch,
  });
  return { registry, secrets };
}

describe("the registry client's requests", () => {
  it("answers a Basic challenge with the engine's login, once; the password goes to the redactor", async () => {
    const dir = dockerConfig({
      auths: { [REGISTRY]: { auth: Buffer.from("alice:pw-x").toString("base64") } },
    });
    const { fetch, sent } = fakeFetch((request) =>
      request.authorization === undefined
        ? new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Basic realm="r"' } })
        : new Response(null, {
            status: 200,
            headers: { "Docker-Content-Digest": `sha256:${"a".repeat(64)}` },
          }),
    );
    const { registry, secrets } = client(fetch, { DOCKER_CONFIG: dir });
    expect(await registry.manifestDigest("set-x")).toBe(`sha256:${"a".repeat(64)}`);
    expect(await registry.manifestDigest("set-y")).toBe(`sha256:${"a".repeat(64)}`);
    const basic = `Basic ${Buffer.from("alice:pw-x").toString("base64")}`;
    expect(sent.map((request) => [request.method, request.url, request.authorization])).toEqual([
      ["HEAD", `http://${REGISTRY}/v2/acme/wheels/manifests/set-x`, undefined],
      ["HEAD", `http://${REGISTRY}/v2/acme/wheels/manifests/set-x`, basic],
      ["HEAD", `http://${REGISTRY}/v2/acme/wheels/manifests/set-y`, basic],
    ]);
    expect(secrets).toEqual(["pw-x", Buffer.from("alice:pw-x").toString("base64")]);
  });

  it("follows a Bearer challenge: a token from the realm for the repository's scope, then the request with it", async () => {
    const { fetch, sent } = fakeFetch((request) => {
      if (request.url.startsWith("https://auth.example/")) return Response.json({ token: "tok-123" });
      return request.authorization === "Bearer tok-123"
        ? Response.json({ name: "acme/wheels", tags: ["set-a", "latest"] })
        : new Response(null, {
            status: 401,
            headers: { "WWW-Authenticate": 'Bearer realm="https://auth.example/token",service="reg"' },
          });
    });
    const { registry, secrets } = client(fetch);
    expect(await registry.listTags()).toEqual(["set-a", "latest"]);
    expect(sent[1]!.url).toBe(
      "https://auth.example/token?service=reg&scope=repository%3Aacme%2Fwheels%3Apull",
    );
    expect(sent[1]!.authorization).toBeUndefined();
    expect(secrets).toEqual(["tok-123"]);
  });

  it("not logged in, a refused login, a registry that is down or denies deletion: RegistryErrors that say which", async () => {
    const challenge = () =>
      new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Basic realm="r"' } });
    await expect(client(fakeFetch(challenge).fetch).registry.manifestDigest("t")).rejects.toThrow(
      /Not logged in to the wheel cache 127\.0\.0\.1:5000/,
    );
    const dir = dockerConfig({ auths: { [REGISTRY]: { auth: Buffer.from("a:wrong").toString("base64") } } });
    const refused = client(fakeFetch(challenge).fetch, { DOCKER_CONFIG: dir }).registry.manifestDigest("t");
    await expect(refused).rejects.toThrow(/refused the credentials \(401\)/);
    await expect(refused).rejects.not.toThrow(/wrong/);
    const down = (async () => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    }) as unknown as typeof globalThis.fetch;
    const error = await client(down)
      .registry.manifestDigest("t")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).message).toMatch(/cannot be reached: the lookup of t failed/);
    expect((error as RegistryError).details).toEqual(["ECONNREFUSED"]);
    const deletion = client(fakeFetch(() => new Response(null, { status: 405 })).fetch).registry;
    await expect(deletion.deleteManifest(`sha256:${"a".repeat(64)}`)).rejects.toThrow(
      /does not allow deleting \(405\)/,
    );
  });

  it("a timeout names the cache-timeout setting", async () => {
    const slow = (async () => {
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    }) as unknown as typeof globalThis.fetch;
    const error = (await client(slow)
      .registry.manifestDigest("t")
      .catch((e: unknown) => e)) as RegistryError;
    expect(error.message).toMatch(/did not answer in 5 s/);
    expect(error.hint).toMatch(/cache-timeout/);
  });

  it("a 404 is no entry; a missing tag list is an empty repository", async () => {
    const { fetch } = fakeFetch(() => new Response(null, { status: 404 }));
    const { registry } = client(fetch);
    expect(await registry.manifestDigest("set-x")).toBeUndefined();
    expect(await registry.getManifest("set-x", 1000)).toBeUndefined();
    expect(await registry.listTags()).toEqual([]);
  });
});
