// A wheel the host verified before is not verified again when the same bytes come back (a forced
// rebuild fetching the same wheels); other bytes under the same name, or the same bytes under
// another name, are verified as ever.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UntrustedOutputError } from "../../src/errors.js";
import type { ReceivedOutput } from "../../src/execute/builder-output.js";
import { ResultStore } from "../../src/execute/result-store.js";
import { verifyWheel } from "../../src/execute/verify-wheel.js";
import { EarlyVerification, wheelSetOf } from "../../src/execute/wheel-set.js";
import { FAKE_INTERPRETER } from "../support/workflow-context.js";
import { wheelMembers, zipBytes } from "./builders/wheel-zip.js";

const dir = mkdtempSync(path.join(tmpdir(), "wheelwright-known-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let received = 0;

/** The builder's hand-over of one app wheel, as receiveBuilderOutput gives it (hashed by the host). */
function handOver(bytes: Buffer, filename = "demo_pkg-1.0-py3-none-any.whl"): ReceivedOutput {
  const folder = path.join(dir, `in-${received++}`, "app");
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, filename), bytes);
  return {
    files: [
      {
        folder: "app",
        filename,
        path: path.join(folder, filename),
        size: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      },
    ],
    report: {
      version: 1,
      app: "demo-pkg",
      interpreter: FAKE_INTERPRETER,
      wheels: [{ filename, folder: "app", origin: "built", sets: ["runtime"] }],
    },
  };
}

describe("wheelSetOf with the result store's verified facts", () => {
  it("verifies new bytes once; the same bytes again take the facts found the first time", async () => {
    const store = new ResultStore(path.join(dir, "store-1"));
    const calls: string[] = [];
    const counting: typeof verifyWheel = (file, name) => {
      calls.push(name ?? file);
      return verifyWheel(file, name);
    };
    const bytes = await zipBytes(wheelMembers());
    const first = await wheelSetOf(handOver(bytes), { appName: "demo-pkg" }, store, counting);
    const second = await wheelSetOf(handOver(bytes), { appName: "demo-pkg" }, store, counting);
    expect(calls).toEqual(["demo_pkg-1.0-py3-none-any.whl"]);
    expect(second).toEqual(first);
    expect(second.app.requires).toEqual(["requests>=2", "pytest; extra == 'test'"]);
    // Other bytes under the same name are verified.
    const other = await zipBytes(
      wheelMembers({ files: [{ name: "demo_pkg/__init__.py", data: "VALUE = 2\n" }] }),
    );
    await wheelSetOf(handOver(other), { appName: "demo-pkg" }, store, counting);
    expect(calls).toHaveLength(2);
    // A RECORD that lies about a member: new bytes, so verified, and refused.
    const broken = await zipBytes(
      wheelMembers({ editRecord: (record) => record.replace(/sha256=[^,]+/, `sha256=${"A".repeat(43)}`) }),
    );
    await expect(wheelSetOf(handOver(broken), { appName: "demo-pkg" }, store, counting)).rejects.toThrow();
    expect(calls).toHaveLength(3);
  });

  it("the same bytes under another file name are verified again (the name is checked against the contents)", async () => {
    const store = new ResultStore(path.join(dir, "store-2"));
    const bytes = await zipBytes(wheelMembers());
    await wheelSetOf(handOver(bytes), { appName: "demo-pkg" }, store);
    await expect(
      wheelSetOf(handOver(bytes, "demo_pkg-2.0-py3-none-any.whl"), { appName: "demo-pkg" }, store),
    ).rejects.toThrow(/2\.0|version|dist-info/i);
  });

  it("a damaged facts file is a miss, never an error", async () => {
    const store = new ResultStore(path.join(dir, "store-3"));
    const bytes = await zipBytes(wheelMembers());
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    mkdirSync(path.join(dir, "store-3", "verified"), { recursive: true });
    writeFileSync(path.join(dir, "store-3", "verified", `${sha256}.json`), '{"filename": 3');
    expect(store.verifiedFacts(sha256, "demo_pkg-1.0-py3-none-any.whl")).toBeUndefined();
    const set = await wheelSetOf(handOver(bytes), { appName: "demo-pkg" }, store);
    expect(set.app.name).toBe("demo-pkg");
    expect(store.verifiedFacts(sha256, "demo_pkg-1.0-py3-none-any.whl")?.sha256).toBe(sha256);
  });
});

describe("the builder's report", () => {
  it("must say its interpreter: a report without one is refused as untrusted output, nothing verified", async () => {
    const output = handOver(await zipBytes(wheelMembers()));
    const { interpreter: _dropped, ...report } = output.report as Record<string, unknown>;
    const refused = await wheelSetOf({ ...output, report }, { appName: "demo-pkg" }, undefined).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(UntrustedOutputError);
    expect((refused as UntrustedOutputError).message).toMatch(
      /^The builder's report.json is missing or malformed: interpreter: /,
    );
  });
});

describe("EarlyVerification: each wheel checked as it arrives", () => {
  it("starts the check when the receiver has the file, and wheelSetOf takes that check instead of a second one", async () => {
    const calls: string[] = [];
    const counting: typeof verifyWheel = (file, name) => {
      calls.push(name ?? file);
      return verifyWheel(file, name);
    };
    const output = handOver(await zipBytes(wheelMembers()));
    const early = new EarlyVerification(undefined, counting);
    early.onFile(output.files[0]!);
    expect(calls).toEqual(["demo_pkg-1.0-py3-none-any.whl"]);
    const set = await wheelSetOf(output, { appName: "demo-pkg" }, undefined, counting, early);
    expect(calls).toHaveLength(1);
    expect(set).toEqual(await wheelSetOf(output, { appName: "demo-pkg" }, undefined));
  });

  it("a wheel whose early check failed is refused by wheelSetOf with that check's error", async () => {
    const broken = handOver(
      await zipBytes(
        wheelMembers({ editRecord: (record) => record.replace(/sha256=[^,]+/, `sha256=${"A".repeat(43)}`) }),
      ),
    );
    const early = new EarlyVerification(undefined);
    early.onFile(broken.files[0]!);
    const expected = await wheelSetOf(broken, { appName: "demo-pkg" }, undefined).catch((e: unknown) => e);
    const refused = await wheelSetOf(broken, { appName: "demo-pkg" }, undefined, undefined, early).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toBe((expected as Error).message);
  });

  it("a file the report does not list is refused as untrusted output, whatever its early check found", async () => {
    const output = handOver(await zipBytes(wheelMembers()));
    const stray = handOver(Buffer.from("not a zip"), "stray-1.0-py3-none-any.whl").files[0]!;
    const early = new EarlyVerification(undefined);
    early.onFile(output.files[0]!);
    early.onFile(stray); // fails (not a zip): must surface as no unhandled rejection
    const refused = await wheelSetOf(
      { ...output, files: [...output.files, stray] },
      { appName: "demo-pkg" },
      undefined,
      undefined,
      early,
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UntrustedOutputError);
    expect((refused as Error).message).toMatch(
      /stray-1\.0-py3-none-any\.whl was handed over but the report does not list it/,
    );
  });
});
