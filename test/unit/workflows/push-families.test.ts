// `push` with a family of targets (issue 14), through the command with a fake engine: the family's
// list published after both targets, its members the digests push produced with the platforms the
// release images say; a --target that leaves part of the family out warns and publishes none; two
// images of one platform stop the push before anything goes; a refused list names itself.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pushCommand } from "../../../src/cli/commands/push.js";
import type { Session } from "../../../src/cli/session.js";
import type { ManifestListMember } from "../../../src/domain/manifest-list-commands.js";
import { type Platform, platformName } from "../../../src/domain/platform.js";
import { InputError, RegistryError } from "../../../src/errors.js";
import { FakeEngine } from "../../support/fake-engine.js";
import { FAKE_SHA, testContext, writeProject } from "../../support/workflow-context.js";

const SHA = FAKE_SHA.slice(0, 12);
const REPO = "127.0.0.1:5000/acme/demo-release";
const TARGETS = `
[[target]]
name = "bookworm-amd64"
family = "bookworm"

[[target]]
name = "bookworm-arm64"
platform = "linux/arm64"
family = "bookworm"
`;
const digestOf = (reference: string) => `sha256:${createHash("sha256").update(reference).digest("hex")}`;
const ARM64: Platform = { os: "linux", architecture: "arm64", variant: "v8" };

function setup(options: { armPlatform?: Platform } = {}) {
  const engine = new FakeEngine();
  // Each reference gets its own digest, and the registry holds it.
  engine.pushScript = (reference) => ({ exitCode: 0, output: `x: digest: ${digestOf(reference)} size: 1` });
  engine.remoteDigestScript = digestOf;
  const test = testContext({ engine });
  const root = writeProject(path.join(test.tmp, "project"));
  writeFileSync(
    path.join(root, "wheelwright.toml"),
    `namespace = "127.0.0.1:5000/acme"\nnetwork = "host"\npull = false\nindex-url = "file:///opt/pypi/simple"\nextra-index-urls = []\nfind-links = []\n${TARGETS}`,
  );
  mkdirSync(path.join(root, ".git", "refs", "heads"), { recursive: true });
  writeFileSync(path.join(root, ".git", "HEAD"), "ref: refs/heads/main\n");
  writeFileSync(path.join(root, ".git", "refs", "heads", "main"), `${FAKE_SHA}\n`);
  engine.addImage(`${REPO}:${SHA}-bookworm-amd64`);
  engine.addImage(`${REPO}:${SHA}-bookworm-arm64`);
  engine.images.get(engine.tags.get(`${REPO}:${SHA}-bookworm-arm64`)!)!.platform = platformName(
    options.armPlatform ?? ARM64,
  );
  const out: string[] = [];
  const session = (targets: string[] = [], json = false): Session => ({
    cwd: root,
    env: { ...test.ctx.env },
    runner: test.ctx.runner,
    clock: test.ctx.clock,
    out: (text) => out.push(text),
    emit: test.ctx.emit,
    json,
    signal: test.ctx.signal,
    flags: {},
    toolVersion: test.ctx.toolVersion,
    targets,
    jobs: undefined,
    passthrough: undefined,
    exitCode: undefined,
    setRedactor: () => undefined,
    detect: async () => engine.detection(),
  });
  return { ...test, engine, out, session };
}

const published = (engine: FakeEngine) =>
  engine.calls
    .filter((call) => call.verb === "publishManifestList")
    .map((call) => ({
      list: call.args[0] as string,
      members: call.args[1] as ManifestListMember[],
      insecure: call.args[2],
    }));

describe("push with a family of targets (fake engine)", () => {
  it("publishes the family's list for each release tag after both targets, members by the digests pushed", async () => {
    const { engine, out, session } = setup();
    await pushCommand(session(), [], {});
    const lists = published(engine);
    expect(lists.map((list) => list.list)).toEqual([`${REPO}:${SHA}-bookworm`, `${REPO}:latest-bookworm`]);
    expect(lists[0]).toEqual({
      list: `${REPO}:${SHA}-bookworm`,
      insecure: true,
      members: [
        {
          target: "bookworm-amd64",
          reference: `${REPO}@${digestOf(`${REPO}:${SHA}-bookworm-amd64`)}`,
          platform: { os: "linux", architecture: "amd64", variant: undefined },
        },
        {
          target: "bookworm-arm64",
          reference: `${REPO}@${digestOf(`${REPO}:${SHA}-bookworm-arm64`)}`,
          platform: ARM64,
        },
      ],
    });
    // Every image went before the first list.
    const verbs = engine.verbs().filter((verb) => verb === "push" || verb === "publishManifestList");
    expect(verbs).toEqual(["push", "push", "push", "push", "publishManifestList", "publishManifestList"]);
    const text = out.join("");
    expect(text).toContain(`[bookworm] ${REPO}:${SHA}-bookworm@sha256:${"f".repeat(64)} (manifest list)`);
    expect(text).toContain(
      `[bookworm]   linux/arm64/v8 ${digestOf(`${REPO}:${SHA}-bookworm-arm64`)} (bookworm-arm64)`,
    );
  });

  it("--json lists each manifest list with its digest and members (platform -> digest)", async () => {
    const { out, session } = setup();
    await pushCommand(session([], true), [], {});
    const report = JSON.parse(out.join("")) as {
      pushed: string[];
      manifestLists: { name: string; digest: string; members: { platform: string; digest: string }[] }[];
    };
    expect(report.pushed).toHaveLength(4);
    expect(report.manifestLists[0]).toEqual({
      family: "bookworm",
      name: `${REPO}:${SHA}-bookworm`,
      digest: `sha256:${"f".repeat(64)}`,
      members: [
        {
          target: "bookworm-amd64",
          platform: "linux/amd64",
          digest: digestOf(`${REPO}:${SHA}-bookworm-amd64`),
        },
        {
          target: "bookworm-arm64",
          platform: "linux/arm64/v8",
          digest: digestOf(`${REPO}:${SHA}-bookworm-arm64`),
        },
      ],
    });
  });

  it("--target naming part of the family: its images go, no list, and a warning says why", async () => {
    const { engine, events, session } = setup();
    await pushCommand(session(["bookworm-arm64"]), [], {});
    expect(engine.calls.filter((call) => call.verb === "push")).toHaveLength(2);
    expect(published(engine)).toEqual([]);
    expect(events).toContainEqual({
      type: "warning",
      message: expect.stringContaining(
        "family bookworm: its manifest list was not published: target bookworm-amd64 was not pushed in this run",
      ),
    });
  });

  it("two images of one platform in one family: an input error before anything is pushed", async () => {
    const { engine, session } = setup({
      armPlatform: { os: "linux", architecture: "amd64", variant: undefined },
    });
    const error = await pushCommand(session(), [], {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    // bookworm-arm64 declares linux/arm64: its amd64 image is the first thing wrong.
    expect((error as Error).message).toContain(
      "Target bookworm-arm64 declares platform linux/arm64, but its release image is linux/amd64",
    );
    expect(engine.verbs()).not.toContain("push");
  });

  it("a registry refusing the list: a registry error (exit 9) naming the list", async () => {
    const { engine, session } = setup();
    engine.manifestListScript = () => ({ exitCode: 1, output: "manifest invalid: manifest invalid\n" });
    const error = await pushCommand(session(), [], {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).exitCode).toBe(9);
    expect((error as Error).message).toBe(`127.0.0.1:5000 refused the manifest list ${REPO}:${SHA}-bookworm`);
    expect((error as RegistryError).details).toContain("manifest invalid: manifest invalid");
  });
});
