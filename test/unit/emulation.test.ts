// Whether linux/arm64 containers can run here (issue 14, item 3): the pure fact from binfmt_misc's
// texts, the reader over a folder laid out like /proc/sys/fs/binfmt_misc, and `info`'s line.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BinfmtTexts,
  emulationFact,
  emulationText,
  parseBinfmtHandler,
} from "../../src/domain/emulation.js";
import { readHostEmulation } from "../../src/engine/host-emulation.js";
import { runInProcess, testEnv } from "../support/in-process.js";
import { writeProject } from "../support/project-files.js";

/** What the kernel shows for the handler Debian's qemu-user-static registers. */
const handlerText = (interpreter: string, flags = "POCF", state = "enabled") =>
  `${state}\ninterpreter ${interpreter}\nflags: ${flags}\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n`;
const QEMU = "/usr/libexec/qemu-binfmt/aarch64-binfmt-P";

const registered: BinfmtTexts = {
  machine: "x86_64",
  status: "enabled\n",
  handler: handlerText(QEMU),
  interpreterExists: true,
};

describe("parseBinfmtHandler", () => {
  it("reads the state, the interpreter and the flags", () => {
    expect(parseBinfmtHandler(handlerText(QEMU, "OCF"))).toEqual({
      enabled: true,
      interpreter: QEMU,
      flags: "OCF",
    });
    expect(parseBinfmtHandler(handlerText("/x", "", "disabled"))).toMatchObject({
      enabled: false,
      flags: "",
    });
  });
});

describe("emulationFact for linux/arm64", () => {
  it("is available through a qemu-aarch64 handler with the F flag", () => {
    const fact = emulationFact("linux/arm64", registered);
    expect(fact).toEqual({ platform: "linux/arm64", available: true, reason: "qemu-aarch64, F flag" });
    expect(emulationText(fact)).toBe("emulation: linux/arm64 available (qemu-aarch64, F flag)");
  });

  it("is native on an aarch64 machine, whatever binfmt_misc holds", () => {
    const fact = emulationFact("linux/arm64", { ...registered, machine: "aarch64", status: undefined });
    expect(fact.available).toBe(true);
    expect(fact.reason).toMatch(/^native/);
  });

  it.each([
    [{ status: undefined }, /^binfmt_misc not mounted: mount -t binfmt_misc/],
    [{ status: "disabled\n" }, /^binfmt_misc is disabled/],
    [{ handler: undefined }, /^no qemu-aarch64 handler: apt-get install qemu-user-static/],
    [{ handler: handlerText(QEMU, "POCF", "disabled") }, /update-binfmts --enable qemu-aarch64/],
    [{ handler: handlerText(QEMU, "POC") }, /without the F flag: containers cannot use it/],
  ] as const)("is not available, saying why: %o", (change, reason) => {
    const fact = emulationFact("linux/arm64", { ...registered, ...change });
    expect(fact.available).toBe(false);
    expect(fact.reason).toMatch(reason);
    expect(emulationText(fact)).toMatch(/^emulation: linux\/arm64 not available \(.+\)$/);
  });

  it("still runs with F when the interpreter file went after registration, and says so", () => {
    const fact = emulationFact("linux/arm64", { ...registered, interpreterExists: false });
    expect(fact.available).toBe(true);
    expect(fact.reason).toContain(`${QEMU} was removed`);
  });
});

describe("readHostEmulation and info", () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), "wheelwright-emulation-"));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** A folder laid out like /proc/sys/fs/binfmt_misc. */
  function binfmtFolder(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(scratch, "binfmt-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  }

  it("reads the status and the handler files, and checks the interpreter on this machine", () => {
    const interpreter = path.join(scratch, "qemu-aarch64-static");
    writeFileSync(interpreter, "");
    const dir = binfmtFolder({ status: "enabled\n", "qemu-aarch64": handlerText(interpreter) });
    expect(readHostEmulation("linux/arm64", dir, "x86_64")).toMatchObject({
      available: true,
      reason: "qemu-aarch64, F flag",
    });
    rmSync(interpreter);
    expect(readHostEmulation("linux/arm64", dir, "x86_64").reason).toContain("was removed");
  });

  it("finds no handler in a mounted folder without one, and no mount where there is no folder", () => {
    const empty = binfmtFolder({ status: "enabled\n" });
    expect(readHostEmulation("linux/arm64", empty, "x86_64").reason).toMatch(/^no qemu-aarch64 handler/);
    const missing = path.join(scratch, "not-mounted");
    mkdirSync(missing);
    expect(readHostEmulation("linux/arm64", missing, "x86_64").reason).toMatch(/not mounted/);
  });

  it("info prints this machine's fact as one line, and --json carries it", async () => {
    const root = writeProject(
      { scenario: "info-emulation" },
      {
        parent: scratch,
        namespace: "wwtest",
        findLinks: path.join(scratch, "index"),
        baseImage: "wwtest/test-base:latest",
        builderImage: "wwtest/test-builder:latest",
      },
    );
    const env = testEnv(scratch, { WHEELWRIGHT_ENGINE: "local" });
    const here = readHostEmulation("linux/arm64");
    const text = await runInProcess(["info"], { cwd: root, env });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout.split("\n")).toContain(emulationText(here));
    const json = await runInProcess(["info", "--json"], { cwd: root, env });
    expect((JSON.parse(json.stdout) as { emulation: unknown }).emulation).toEqual(here);
  });
});
