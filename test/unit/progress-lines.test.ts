// What the build's progress is made of: the Dockerfile step an engine's output line announces, the
// helper's progress messages as events, and the counts of a JUnit report.
import { describe, expect, it } from "vitest";
import { describeBuildStep, parseBuildStepLine } from "../../src/domain/build-step-line.js";
import { junitCounts } from "../../src/domain/junit-counts.js";
import { progressEvent } from "../../src/execute/run-helper.js";

describe("parseBuildStepLine", () => {
  it.each([
    ["Step 3/7 : RUN pip install -r req.txt", "step 3/7: RUN pip install -r req.txt"],
    ["#5 [2/4] RUN apt-get update", "step 2/4: RUN apt-get update"],
    ["#9 [builder 3/5] COPY src/ /src/", "builder 3/5: COPY src/ /src/"],
    ["STEP 1/2: FROM debian:bookworm-slim", "step 1/2: FROM debian:bookworm-slim"],
  ])("reads %j", (line, described) => {
    const step = parseBuildStepLine(line);
    expect(step).toBeDefined();
    expect(describeBuildStep(step!)).toBe(described);
  });

  it("cuts a long instruction (wheelwright's own LABEL line) for the log", () => {
    const text = describeBuildStep(parseBuildStepLine(`Step 2/2 : LABEL ${"a".repeat(300)}`)!);
    expect(text).toBe(`step 2/2: LABEL ${"a".repeat(93)}…`);
  });

  it.each([
    "#5 [internal] load build definition from Dockerfile",
    "#5 0.412 Collecting tinydep",
    "#5 DONE 0.5s",
    " ---> Running in 1234",
    "Step three",
  ])("ignores %j", (line) => {
    expect(parseBuildStepLine(line)).toBeUndefined();
  });
});

describe("progressEvent", () => {
  const base = { kind: "progress", step: "deps", done: 1, total: 4 } as const;

  it("a package starting to compile is a milestone naming it and how many are left", () => {
    expect(progressEvent("deps", { ...base, package: "cext 1.0", state: "building" })).toEqual({
      type: "progress",
      id: "deps",
      text: "compiling cext 1.0 from its sdist (1/4 done, 3 left)",
      done: 1,
      total: 4,
      milestone: true,
    });
  });

  it("fetching or finishing one only moves the live line", () => {
    const fetched = progressEvent("deps", { ...base, done: 2, package: "tinydep 1.0", state: "fetched" });
    expect(fetched.milestone).toBeUndefined();
    expect(fetched.text).toBe("fetched tinydep 1.0 (2/4 done, 2 left)");
  });

  it("an older helper's message (no package, no state) keeps its text", () => {
    expect(progressEvent("deps", { ...base, current: "cext 1.0 (building)" }).text).toBe(
      "1/4  cext 1.0 (building)",
    );
  });
});

describe("junitCounts", () => {
  it("sums the testsuites of a report", () => {
    const xml = `<?xml version="1.0"?><testsuites><testsuite name="pytest" errors="1" failures="2" skipped="3" tests="10" time="0.1"><testcase/></testsuite><testsuite tests='5' failures='0'></testsuite></testsuites>`;
    expect(junitCounts(xml)).toEqual({ tests: 15, failures: 2, errors: 1, skipped: 3 });
  });

  it("reads nothing from a file that is not a report", () => {
    expect(junitCounts("not xml")).toBeUndefined();
  });
});
