import { describe, expect, it } from "vitest";
import { classifyOutputEntry, printableEntryName } from "../../src/domain/builder-output-entry.js";

const WHEEL = "django-5.2.17-py3-none-any.whl";

describe("classifyOutputEntry", () => {
  it.each([
    [
      { path: "out/", type: "Directory" },
      { kind: "folder", key: "out" },
    ],
    [
      { path: "out/deps", type: "Directory" },
      { kind: "folder", key: "out/deps" },
    ],
    [
      { path: "out/report.json", type: "File" },
      { kind: "report", key: "out/report.json" },
    ],
    [
      { path: `out/app/${WHEEL}`, type: "OldFile" },
      { kind: "wheel", key: `out/app/${WHEEL}`, folder: "app", filename: WHEEL },
    ],
    [
      { path: `out/deps/${WHEEL}`, type: "ContiguousFile" },
      { kind: "wheel", key: `out/deps/${WHEEL}`, folder: "deps", filename: WHEEL },
    ],
  ])("accepts %j", (entry, verdict) => {
    expect(classifyOutputEntry(entry)).toEqual(verdict);
  });

  it.each([
    [{ path: `./out/deps/${WHEEL}`, type: "File" }, /a file other than/],
    [{ path: `out/deps/sub/${WHEEL}`, type: "File" }, /a file other than/],
    [{ path: `out//deps/${WHEEL}`, type: "File" }, /a file other than/],
    [{ path: `out/deps/${WHEEL}/`, type: "Directory" }, /a folder other than/],
    [{ path: `C:/out/deps/${WHEEL}`, type: "File" }, /absolute path/],
    [{ path: `out\\deps\\${WHEEL}`, type: "File" }, /backslash/],
    [{ path: `out/deps/${WHEEL}`, type: "GNUDumpDir" }, /type GNUDumpDir/],
    [{ path: `out/deps/${WHEEL}`, type: "File", linkpath: "/etc/passwd" }, /link target/],
    [{ path: "out/report.json", type: "SymbolicLink", linkpath: "/etc/passwd" }, /symbolic link/],
    [{ path: "out/deps/..", type: "Directory" }, /leaves the output folder/],
  ])("refuses %j", (entry, rule) => {
    const verdict = classifyOutputEntry(entry);
    expect(verdict.kind).toBe("refused");
    expect(verdict.kind === "refused" && verdict.rule).toMatch(rule);
  });
});

describe("printableEntryName", () => {
  it("escapes control characters and shortens long names", () => {
    expect(printableEntryName("a\u001b[31mred\u0085")).toBe("a\\x1b[31mred\\x85");
    const long = printableEntryName("x".repeat(5000));
    expect(long).toMatch(/^x{200}\.\.\. \(5000 characters\)$/);
  });
});
