// A killed run's staging and retired folders are removed by the next run under the lock, whatever
// its run id: random hex, or the lowercase letters and digits WHEELWRIGHT_RUN_ID allows.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { recoverWheelhouse, wheelhouseLeftovers } from "../../src/execute/wheelhouse.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function parentWith(names: string[]): string {
  const parent = mkdtempSync(path.join(tmpdir(), "wheelwright-recovery-"));
  made.push(parent);
  for (const name of names) {
    mkdirSync(path.join(parent, name));
    writeFileSync(path.join(parent, name, "x.whl"), name);
  }
  return parent;
}

describe("recoverWheelhouse", () => {
  it.each(["0a1b2c3d4e", "ci42build"])(
    "removes staging folders of run %s and keeps the wheelhouse",
    (runId) => {
      const parent = parentWith(["wheelhouse", `.wheelhouse.staging-${runId}`, "src"]);
      const wheelhouse = path.join(parent, "wheelhouse");
      expect(wheelhouseLeftovers(wheelhouse)).toEqual([path.join(parent, `.wheelhouse.staging-${runId}`)]);
      recoverWheelhouse(wheelhouse);
      expect(readdirSync(parent).sort()).toEqual(["src", "wheelhouse"]);
    },
  );

  it("puts back a wheelhouse retired by a run named by WHEELWRIGHT_RUN_ID that died between its renames", () => {
    const parent = parentWith([".wheelhouse.old-ci42build", ".wheelhouse.staging-ci42build"]);
    recoverWheelhouse(path.join(parent, "wheelhouse"));
    expect(readdirSync(parent)).toEqual(["wheelhouse"]);
    expect(existsSync(path.join(parent, "wheelhouse", "x.whl"))).toBe(true);
  });

  it("leaves folders that only look alike", () => {
    const parent = parentWith(["wheelhouse", ".wheelhouse.staging-Upper", ".wheelhouse.notes"]);
    recoverWheelhouse(path.join(parent, "wheelhouse"));
    expect(readdirSync(parent).sort()).toEqual([
      ".wheelhouse.notes",
      ".wheelhouse.staging-Upper",
      "wheelhouse",
    ]);
  });
});
