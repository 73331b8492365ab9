import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { currentOwner, sweepStaleScratch } from "../../src/execute/scratch.js";

// A pid above Linux's pid_max (4194304 at most): no process can hold it.
const GONE = { pid: 4_194_305, host: hostname(), started: 1 };

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, owner?: object): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  if (owner !== undefined) writeFileSync(path.join(dir, ".wheelwright-owner.json"), JSON.stringify(owner));
  writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
  return dir;
}

describe("sweeping the scratch folders of runs that were killed", () => {
  it("removes a run's folder whose owner is gone, and keeps a live run's", () => {
    root = mkdtempSync(path.join(tmpdir(), "ww-sweep-"));
    const stale = folder("wheelwright-0a1b2c3d4e", GONE);
    const live = folder("wheelwright-5f6a7b8c9d", currentOwner());
    expect(sweepStaleScratch(root)).toEqual([stale]);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it("never opens a folder whose name is not the prefix and a run id, even with an owner file", () => {
    root = mkdtempSync(path.join(tmpdir(), "ww-sweep-"));
    // Another tool's or test's temporary folders that only share the prefix.
    const names = [
      "wheelwright-unit-Ab12Cd",
      "wheelwright-docker-config-x1y2z3",
      "wheelwright-ABCDEF",
      "wheelwright-abc",
    ];
    for (const name of names) folder(name, GONE);
    expect(sweepStaleScratch(root)).toEqual([]);
    expect(readdirSync(root).sort()).toEqual([...names].sort());
  });
});
