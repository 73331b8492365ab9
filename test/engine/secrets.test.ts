// Index credentials are secrets: an index on 127.0.0.1 behind Basic auth, with a unique marker as
// its password. The build must use it (the server sees it) and print or store it nowhere.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { execaSync } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { containersOf, engineOrSkip } from "../support/engine.js";
import { makeLocalIndex, makeProject, projectOf } from "../support/fixtures.js";

const MARKER = `SECRET${Date.now()}MARKER`;

describe.skipIf(engineOrSkip())("secrets in index URLs (real engine)", () => {
  let server: Server;
  let port: number;
  let authorised = 0;

  beforeAll(async () => {
    const expected = `Basic ${Buffer.from(`alice:${MARKER}`).toString("base64")}`;
    // Serves the machine's simple index (/opt/pypi) read-only, only with the right credentials.
    server = createServer((request, response) => {
      if (request.headers.authorization !== expected) {
        response.writeHead(401, { "WWW-Authenticate": 'Basic realm="test"' }).end();
        return;
      }
      authorised++;
      const url = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
      let file = path.normalize(path.join("/opt/pypi", url));
      if (!file.startsWith("/opt/pypi/")) return void response.writeHead(403).end();
      if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, "index.html");
      if (!existsSync(file)) return void response.writeHead(404).end();
      response.writeHead(200, {
        "Content-Type": file.endsWith(".html") ? "text/html" : "application/octet-stream",
      });
      createReadStream(file).pipe(response);
    });
    // A free port the system picks: another run on this machine may hold any fixed one.
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server?.close());

  it("uses the credentials and never shows or stores them", async () => {
    const root = makeProject({ scenario: "secret", dependencies: ["tinydep"] });
    const env = {
      WHEELWRIGHT_INDEX_URL: `http://alice:${MARKER}@127.0.0.1:${port}/simple`,
      WHEELWRIGHT_FIND_LINKS: makeLocalIndex(),
    };
    const result = await runCli(["--verbose", "build"], { cwd: root, env });
    expect(result.exitCode, result.stderr.slice(-2000)).toBe(0);
    expect(authorised).toBeGreaterThan(0);
    const json = await runCli(["--json", "build", "--force"], { cwd: root, env });
    expect(json.exitCode).toBe(0);
    const info = await runCli(["info"], { cwd: root, env });
    for (const text of [result.stdout, result.stderr, json.stdout, json.stderr])
      expect(text).not.toContain(MARKER);
    expect(info.stdout).not.toContain(MARKER);
    for (const name of readdirSync(path.join(root, "wheelhouse"))) {
      if (!name.endsWith(".whl"))
        expect(readFileSync(path.join(root, "wheelhouse", name), "utf8")).not.toContain(MARKER);
    }
    // Nothing of the run is left, and the builder image never saw the credentials.
    expect(containersOf(projectOf("secret"))).toEqual([]);
    const images = String(
      execaSync("docker", [
        "image",
        "ls",
        "-q",
        "--filter",
        `label=io.wheelwright.project=${projectOf("secret")}`,
      ]).stdout,
    )
      .split("\n")
      .filter(Boolean);
    for (const image of images) {
      expect(String(execaSync("docker", ["image", "inspect", image]).stdout)).not.toContain(MARKER);
      expect(String(execaSync("docker", ["history", "--no-trunc", image]).stdout)).not.toContain(MARKER);
    }
  });
});
