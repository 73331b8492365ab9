// Whether an interpreter can install a wheel, judged from the wheel's tags (PEP 425, the manylinux
// PEPs 513/571/599/600) and the facts the builder's Python reports about itself: a cp311 wheel in
// a wheelhouse for CPython 3.13, or an x86_64 wheel in one for aarch64, is refused (issue 14).
// Mirrors what pip accepts (packaging.tags.sys_tags) for CPython on glibc Linux.

/** What the builder's helper reports about its interpreter (stdlib facts, see assets/wheelwright_helper/interpreter.py). */
export interface InterpreterFacts {
  /** `sys.implementation.name`: `cpython`, `pypy`. */
  implementation: string;
  /** `sys.version_info[:2]`. */
  version: [number, number];
  /** The interpreter's own ABI tag (`cp313`, `cp313t`), from SOABI. */
  abi: string;
  /** `sysconfig.get_platform()`: `linux-x86_64`, `linux-aarch64`. */
  platform: string;
  /** The C library (`glibc`) and its version (`2.36`), undefined when it is not glibc. */
  libc: { name: string; version: string } | undefined;
}

export interface WheelTags {
  python: readonly string[];
  abi: readonly string[];
  platform: readonly string[];
}

const IMPLEMENTATION_TAGS: Record<string, string> = { cpython: "cp", pypy: "pp" };
// The legacy manylinux names and the glibc they stand for (PEP 600).
const LEGACY_MANYLINUX: Record<string, [number, number]> = {
  manylinux1: [2, 5],
  manylinux2010: [2, 12],
  manylinux2014: [2, 17],
};

/** `cp313` for CPython 3.13. */
export function interpreterTag(facts: InterpreterFacts): string {
  const prefix = IMPLEMENTATION_TAGS[facts.implementation] ?? facts.implementation.slice(0, 2);
  return `${prefix}${facts.version[0]}${facts.version[1]}`;
}

/** `linux_x86_64` from `linux-x86_64`: the platform tag of the interpreter's own builds. */
export function platformTag(facts: InterpreterFacts): string {
  return facts.platform.replace(/[-.]/g, "_");
}

/** How a person names the interpreter: `CPython 3.13 on linux_x86_64 (glibc 2.36)`. */
export function describeInterpreter(facts: InterpreterFacts): string {
  const name = facts.implementation === "cpython" ? "CPython" : facts.implementation;
  const libc = facts.libc === undefined ? "" : ` (${facts.libc.name} ${facts.libc.version})`;
  return `${name} ${facts.version.join(".")} on ${platformTag(facts)}${libc}`;
}

function glibcVersion(facts: InterpreterFacts): [number, number] | undefined {
  if (facts.libc?.name !== "glibc") return undefined;
  const match = /^(\d+)\.(\d+)/.exec(facts.libc.version);
  return match === null ? undefined : [Number(match[1]), Number(match[2])];
}

function atMost(wanted: [number, number], have: [number, number]): boolean {
  return wanted[0] < have[0] || (wanted[0] === have[0] && wanted[1] <= have[1]);
}

/** Whether the interpreter runs binaries of a platform tag (`any`, `linux_<arch>`, `manylinux_X_Y_<arch>`). */
function platformSupported(tag: string, facts: InterpreterFacts): boolean {
  if (tag === "any") return true;
  const own = platformTag(facts);
  if (tag === own) return true;
  const arch = own.replace(/^linux_/, "");
  if (!own.startsWith("linux_")) return false;
  const glibc = glibcVersion(facts);
  if (glibc === undefined) return false;
  const modern = /^manylinux_(\d+)_(\d+)_(.+)$/.exec(tag);
  if (modern !== null) return modern[3] === arch && atMost([Number(modern[1]), Number(modern[2])], glibc);
  const legacy = /^(manylinux\d+)_(.+)$/.exec(tag);
  const needs = legacy === null ? undefined : LEGACY_MANYLINUX[legacy[1]!];
  return needs !== undefined && legacy![2] === arch && atMost(needs, glibc);
}

/** Whether one python-abi pair is one the interpreter installs (the platform is judged apart). */
function pythonAbiSupported(python: string, abi: string, facts: InterpreterFacts): boolean {
  const [major, minor] = facts.version;
  const own = interpreterTag(facts);
  const cpython = facts.implementation === "cpython";
  if (abi === facts.abi) return python === own;
  if (abi === "abi3") {
    // The stable ABI: built for 3.Y, it runs on every CPython 3.Z with Z >= Y.
    const match = /^cp(\d)(\d+)$/.exec(python);
    return cpython && match !== null && Number(match[1]) === major && Number(match[2]) <= minor;
  }
  if (abi !== "none") return false;
  if (python === own) return true;
  // Generic Python: `py3`, or `py3Y` for Y <= the interpreter's minor version.
  const generic = /^py(\d)(\d*)$/.exec(python);
  if (generic === null || Number(generic[1]) !== major) return false;
  return generic[2] === "" || Number(generic[2]) <= minor;
}

/** Whether the interpreter installs a wheel of these tags (any one of its expanded tag triples). */
export function wheelSupported(tags: WheelTags, facts: InterpreterFacts): boolean {
  if (!tags.platform.some((platform) => platformSupported(platform, facts))) return false;
  return tags.python.some((python) => tags.abi.some((abi) => pythonAbiSupported(python, abi, facts)));
}

/**
 * Why the interpreter cannot install a wheel of these tags (`built for cp311`, `built for
 * aarch64`), or undefined when it can.
 */
export function wheelTagProblem(tags: WheelTags, facts: InterpreterFacts): string | undefined {
  if (wheelSupported(tags, facts)) return undefined;
  const tagText = `${tags.python.join(".")}-${tags.abi.join(".")}-${tags.platform.join(".")}`;
  const platformOk = tags.platform.some((platform) => platformSupported(platform, facts));
  const reason = platformOk
    ? `its Python tags (${tags.python.join(".")}-${tags.abi.join(".")}) are not ${interpreterTag(facts)}'s`
    : `its platform (${tags.platform.join(".")}) is not one ${platformTag(facts)} runs`;
  return `tagged ${tagText}: ${reason}; the builder's Python is ${describeInterpreter(facts)}`;
}
