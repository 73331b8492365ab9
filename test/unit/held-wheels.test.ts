// Wheels the builder says the host already holds: taken from the result store only when the host
// offered that very name and sha256, checked where they land, and then verified like any other.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Manifest } from "../../src/domain/manifest.js";
import { IntegrityError, UntrustedOutputError } from "../../src/errors.js";
import type { ReceivedFile, ReceivedOutput } from "../../src/execute/builder-output.js";
import { takeHeldWheels } from "../../src/execute/held-wheels.js";
import { ResultStore } from "../../src/execute/result-store.js";
import { wheelSetOf } from "../../src/execute/wheel-set.js";
import { FAKE_INTERPRETER } from "../support/workflow-context.js";
import { wheelMembers, zipBytes } from "./builders/wheel-zip.js";

const dir = mkdtempSync(path.join(tmpdir(), "wheelwright-held-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let runs = 0;

const APP = "demo_pkg-1.0-py3-none-any.whl";
const DEP = "tinydep-2.0-py3-none-any.whl";
const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** A store holding the dependency wheel (saved from a wheelhouse, as a publish does), and its bytes. */
async function world() {
  const root = path.join(dir, `run-${runs++}`);
  const wheelhouse = path.join(root, "wheelhouse");
  mkdirSync(wheelhouse, { recursive: true });
  const dep = await zipBytes(
    wheelMembers({
      name: "tinydep",
      version: "2.0",
      metadata: "Metadata-Version: 2.1\nName: tinydep\nVersion: 2.0\n",
      files: [{ name: "tinydep/__init__.py", data: "X = 1\n" }],
    }),
  );
  writeFileSync(path.join(wheelhouse, DEP), dep);
  const store = new ResultStore(path.join(root, "store"));
  store.save(
    {
      inputs: { fingerprint: "f1", dependencyFingerprint: "d1" },
      wheels: [{ filename: DEP, sha256: sha(dep), size: dep.length }],
    } as unknown as Manifest,
    wheelhouse,
  );
  // The builder handed over the app wheel only, and says the host holds the dependency.
  const app = await zipBytes(wheelMembers());
  const intoDir = path.join(root, "incoming");
  mkdirSync(path.join(intoDir, "app"), { recursive: true });
  writeFileSync(path.join(intoDir, "app", APP), app);
  const received = (held: string, more: ReceivedFile[] = []): ReceivedOutput => ({
    files: [
      {
        folder: "app",
        filename: APP,
        path: path.join(intoDir, "app", APP),
        size: app.length,
        sha256: sha(app),
      },
      ...more,
    ],
    report: {
      version: 1,
      app: "demo-pkg",
      interpreter: FAKE_INTERPRETER,
      wheels: [
        { filename: APP, folder: "app", origin: "built", sets: ["runtime"] },
        { filename: DEP, folder: "deps", origin: "fetched", sets: ["runtime"], held },
      ],
    },
  });
  return { store, intoDir, dep, depSha: sha(dep), received, wheelhouse };
}

describe("wheels the host already holds", () => {
  it("are linked from the store, told to the early check, and then verified into the set like any other", async () => {
    const { store, intoDir, dep, depSha, received } = await world();
    const told: string[] = [];
    const { output, held } = await takeHeldWheels(
      received(depSha),
      [{ filename: DEP, sha256: depSha }],
      store,
      intoDir,
      (file) => told.push(`${file.folder}/${file.filename}`),
    );
    expect(held).toBe(1);
    expect(told).toEqual([`deps/${DEP}`]);
    const taken = output.files.find((file) => file.filename === DEP)!;
    expect(taken).toMatchObject({ folder: "deps", sha256: depSha, size: dep.length });
    expect(taken.path).toBe(path.join(intoDir, "deps", DEP));
    expect(readFileSync(taken.path).equals(dep)).toBe(true);
    const set = await wheelSetOf(output, { appName: "demo-pkg" });
    expect(set.wheels.map((w) => [w.filename, w.sha256, w.origin])).toEqual([
      [APP, sha(readFileSync(path.join(intoDir, "app", APP))), "built"],
      [DEP, depSha, "fetched"],
    ]);
  });

  it("a held entry the host did not offer under that name and sha256 is refused as untrusted", async () => {
    const { store, intoDir, depSha, received } = await world();
    for (const offered of [
      [],
      [{ filename: DEP, sha256: "0".repeat(64) }],
      [{ filename: APP, sha256: depSha }],
    ]) {
      const error = await takeHeldWheels(received(depSha), offered, store, intoDir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UntrustedOutputError);
      expect((error as Error).message).toContain(`the host holds ${DEP}`);
    }
    expect(existsSync(path.join(intoDir, "deps", DEP))).toBe(false);
  });

  it("a wheel both handed over and said held is refused as untrusted", async () => {
    const { store, intoDir, dep, depSha, received } = await world();
    mkdirSync(path.join(intoDir, "deps"), { recursive: true });
    writeFileSync(path.join(intoDir, "deps", DEP), dep);
    const twice: ReceivedFile = {
      folder: "deps",
      filename: DEP,
      path: path.join(intoDir, "deps", DEP),
      size: dep.length,
      sha256: depSha,
    };
    const error = await takeHeldWheels(
      received(depSha, [twice]),
      [{ filename: DEP, sha256: depSha }],
      store,
      intoDir,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UntrustedOutputError);
    expect((error as Error).message).toContain("both handed over and held");
  });

  it("a stored wheel changed since it was stored fails the build (exit 7); nothing damaged is left behind", async () => {
    const { store, intoDir, dep, depSha, received, wheelhouse } = await world();
    // The store's copy is a hard link of the wheelhouse file: damage one, damage both.
    const damaged = Buffer.from(dep);
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 1) ^ 0xff, damaged.length - 1);
    writeFileSync(path.join(wheelhouse, DEP), damaged);
    const error = await takeHeldWheels(
      received(depSha),
      [{ filename: DEP, sha256: depSha }],
      store,
      intoDir,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).exitCode).toBe(7);
    expect(existsSync(path.join(intoDir, "deps", DEP))).toBe(false);
  });

  it("a report without held entries is passed through as it came", async () => {
    const { store, intoDir, received } = await world();
    const plain = received("");
    (plain.report as { wheels: { held?: string }[] }).wheels[1]!.held = undefined;
    const { output, held } = await takeHeldWheels(plain, [], store, intoDir);
    expect(held).toBe(0);
    expect(output).toBe(plain);
  });
});
