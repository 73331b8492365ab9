import { describe, expect, it } from "vitest";
import { parseHeaderFields, readCoreMetadata } from "../../src/domain/core-metadata.js";
import { parseRecord } from "../../src/domain/wheel-record.js";

describe("core metadata", () => {
  it("reads repeated, folded and missing fields the way Python's email parser does", () => {
    const metadata = readCoreMetadata(
      [
        "Metadata-Version: 2.4",
        "Name: Demo_Pkg",
        "Version: 1.0",
        "License: line one",
        "        line two",
        "License-Expression: MIT OR Apache-2.0",
        "Requires-Dist: a",
        'Requires-Dist: b ; extra == "t"',
        "Provides-Extra: t",
        "Classifier: One",
        "classifier: Two",
        "",
        "Requires-Dist: not-a-header-this-is-the-description",
      ].join("\r\n"),
    );
    expect(metadata).toEqual({
      name: "Demo_Pkg",
      version: "1.0",
      license: "line one\nline two",
      licenseExpression: "MIT OR Apache-2.0",
      requiresDist: ["a", 'b ; extra == "t"'],
      providesExtra: ["t"],
      classifiers: ["One", "Two"],
    });
  });

  it("stops at a line that is not a header, like Python's parser", () => {
    const fields = parseHeaderFields("Name: x\nnot a header\nVersion: 1\n");
    expect([...fields.keys()]).toEqual(["name"]);
  });
});

describe("RECORD", () => {
  it("reads rows as Python's csv module writes them", () => {
    const parsed = parseRecord(
      [
        "pkg/__init__.py,sha256=AbC-_9,10",
        '"pkg/a,b.py",sha256=xyz,3',
        '"pkg/say ""hi"".py",sha256=q,1',
        "",
        "pkg-1.0.dist-info/RECORD,,",
      ].join("\r\n"),
    );
    expect(parsed).toEqual({
      rows: [
        { path: "pkg/__init__.py", hash: { algorithm: "sha256", digest: "AbC-_9" }, size: 10, line: 1 },
        { path: "pkg/a,b.py", hash: { algorithm: "sha256", digest: "xyz" }, size: 3, line: 2 },
        { path: 'pkg/say "hi".py', hash: { algorithm: "sha256", digest: "q" }, size: 1, line: 3 },
        { path: "pkg-1.0.dist-info/RECORD", line: 5 },
      ],
    });
  });

  it("reads a RECORD without quotes the same way (its fast path), blank lines and CRLF included", () => {
    expect(parseRecord("a.py,sha256=x,1\r\n\r\nb/RECORD,,\r\n")).toEqual({
      rows: [
        { path: "a.py", hash: { algorithm: "sha256", digest: "x" }, size: 1, line: 1 },
        { path: "b/RECORD", line: 3 },
      ],
    });
  });

  it("keeps a line break inside a quoted path and counts lines past it", () => {
    const parsed = parseRecord('"a\nb.py",sha256=x,1\nc.py,sha256=y,2\n');
    expect(parsed).toEqual({
      rows: [
        { path: "a\nb.py", hash: { algorithm: "sha256", digest: "x" }, size: 1, line: 1 },
        { path: "c.py", hash: { algorithm: "sha256", digest: "y" }, size: 2, line: 3 },
      ],
    });
  });

  it.each([
    ["a.py,sha256=x", /line 1 has 2 fields, not 3/],
    ["a.py,sha256=x,1,extra", /line 1 has 4 fields/],
    ["a.py,sha256=x,ten", /line 1 \(a.py\) has a size that is not a number/],
    ["a.py,sha256=x,-1", /size that is not a number/],
    ["a.py,sha256,1", /hash that is not algorithm=digest/],
    ["a.py,sha256=,1", /hash that is not algorithm=digest/],
    [",sha256=x,1", /line 1 names no file/],
  ])("refuses %j", (text, problem) => {
    const parsed = parseRecord(text);
    expect("problem" in parsed && parsed.problem).toMatch(problem);
  });
});
