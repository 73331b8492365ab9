// Issue 14: a wheel's python, ABI and platform tags judged against the builder's interpreter, as
// pip would (packaging.tags.sys_tags for CPython on glibc Linux).
import { describe, expect, it } from "vitest";
import {
  describeInterpreter,
  type InterpreterFacts,
  wheelSupported,
  wheelTagProblem,
} from "../../src/domain/interpreter-tags.js";
import { parseWheelFilename } from "../../src/domain/wheel-filename.js";

const cpython = (minor: number, machine = "x86_64", glibc = "2.36"): InterpreterFacts => ({
  implementation: "cpython",
  version: [3, minor],
  abi: `cp3${minor}`,
  platform: `linux-${machine}`,
  libc: { name: "glibc", version: glibc },
});

const bookworm = cpython(11);
const trixie = cpython(13, "x86_64", "2.41");
const arm = cpython(11, "aarch64");

function tagsOf(filename: string) {
  const parsed = parseWheelFilename(filename);
  if (parsed === undefined) throw new Error(`not a wheel name: ${filename}`);
  return { python: parsed.pythonTags, abi: parsed.abiTags, platform: parsed.platformTags };
}
const installs = (facts: InterpreterFacts, filename: string) => wheelSupported(tagsOf(filename), facts);

describe("wheel tags against the interpreter", () => {
  it("a CPython-specific wheel installs only on its own CPython", () => {
    const cp311 = "pollstats-1.0-cp311-cp311-linux_x86_64.whl";
    const cp313 = "pollstats-1.0-cp313-cp313-linux_x86_64.whl";
    expect(installs(bookworm, cp311)).toBe(true);
    expect(installs(trixie, cp311)).toBe(false);
    expect(installs(trixie, cp313)).toBe(true);
    expect(installs(bookworm, cp313)).toBe(false);
  });

  it("pure-Python wheels install everywhere; py3Y only on 3.Y and later", () => {
    for (const facts of [bookworm, trixie, arm]) {
      expect(installs(facts, "Django-4.2-py3-none-any.whl")).toBe(true);
      expect(installs(facts, "six-1.16-py2.py3-none-any.whl")).toBe(true);
    }
    expect(installs(bookworm, "x-1.0-py312-none-any.whl")).toBe(false);
    expect(installs(trixie, "x-1.0-py312-none-any.whl")).toBe(true);
    expect(installs(trixie, "x-1.0-py2-none-any.whl")).toBe(false);
    // A cp-tagged wheel without an ABI is its interpreter's only.
    expect(installs(bookworm, "polls-0.1-cp311-none-any.whl")).toBe(true);
    expect(installs(trixie, "polls-0.1-cp311-none-any.whl")).toBe(false);
  });

  it("abi3 wheels install on their CPython and every later one", () => {
    const abi3 = "cryptography-41.0-cp37-abi3-manylinux_2_28_x86_64.whl";
    expect(installs(bookworm, abi3)).toBe(true);
    expect(installs(trixie, abi3)).toBe(true);
    expect(installs(bookworm, "x-1.0-cp312-abi3-manylinux_2_17_x86_64.whl")).toBe(false);
    expect(installs({ ...trixie, implementation: "pypy", abi: "pypy310_pp73" }, abi3)).toBe(false);
  });

  it("manylinux needs the architecture and a glibc at least as new; legacy names count as theirs", () => {
    const manylinux228 = "lxml-5.0-cp311-cp311-manylinux_2_28_x86_64.whl";
    expect(installs(bookworm, manylinux228)).toBe(true);
    expect(installs(cpython(11, "x86_64", "2.17"), manylinux228)).toBe(false);
    expect(installs(arm, manylinux228)).toBe(false);
    expect(installs(arm, "lxml-5.0-cp311-cp311-manylinux_2_28_aarch64.whl")).toBe(true);
    expect(installs(bookworm, "x-1.0-cp311-cp311-manylinux2014_x86_64.whl")).toBe(true);
    expect(installs(bookworm, "x-1.0-cp311-cp311-manylinux1_x86_64.whl")).toBe(true);
    expect(installs(cpython(11, "x86_64", "2.12"), "x-1.0-cp311-cp311-manylinux2014_x86_64.whl")).toBe(false);
    expect(installs(bookworm, "x-1.0-cp311-cp311-musllinux_1_1_x86_64.whl")).toBe(false);
    expect(installs(bookworm, "x-1.0-cp311-cp311-win_amd64.whl")).toBe(false);
    // A compressed tag set installs when any one of its platforms does.
    expect(
      installs(
        arm,
        "x-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
      ),
    ).toBe(true);
    // Without glibc (musl, or unknown), no manylinux wheel.
    expect(installs({ ...bookworm, libc: undefined }, manylinux228)).toBe(false);
    expect(installs({ ...bookworm, libc: undefined }, "x-1.0-cp311-cp311-linux_x86_64.whl")).toBe(true);
  });

  it("says why a wheel does not fit, naming the interpreter", () => {
    expect(wheelTagProblem(tagsOf("Django-4.2-py3-none-any.whl"), trixie)).toBeUndefined();
    expect(wheelTagProblem(tagsOf("pollstats-1.0-cp311-cp311-linux_x86_64.whl"), trixie)).toBe(
      "tagged cp311-cp311-linux_x86_64: its Python tags (cp311-cp311) are not cp313's; the builder's Python is CPython 3.13 on linux_x86_64 (glibc 2.41)",
    );
    expect(wheelTagProblem(tagsOf("lxml-5.0-cp311-cp311-manylinux_2_28_x86_64.whl"), arm)).toBe(
      "tagged cp311-cp311-manylinux_2_28_x86_64: its platform (manylinux_2_28_x86_64) is not one linux_aarch64 runs; the builder's Python is CPython 3.11 on linux_aarch64 (glibc 2.36)",
    );
    expect(describeInterpreter(bookworm)).toBe("CPython 3.11 on linux_x86_64 (glibc 2.36)");
  });
});
