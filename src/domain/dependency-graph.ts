// The dependency graph of a wheelhouse, from each wheel's Requires-Dist, for its SBOM.
//
// The rule: wheel A depends on wheel B when one of A's Requires-Dist entries names B (PEP 503
// names), B is in the wheelhouse, and the entry's marker either says nothing of `extra` or names
// an extra asked of A: for the application, the extras the build requested; for any other wheel,
// the extras in brackets (`requests[socks]`) of the entries that make an edge to it, A's own
// self-references (`pkg[a]; extra == "all"`) included. Other marker variables (python_version,
// sys_platform, ...) are not judged here: the builder's resolver judged them for its interpreter,
// and the wheel being in the set stands for that. (So an entry whose marker is false here, naming
// a wheel that is in the set for another reason, still makes an edge.)
import { normalizeName } from "./names.js";

export interface RequirementHead {
  /** PEP 503 normalised. */
  name: string;
  /** PEP 685 normalised, sorted. */
  extras: string[];
  /** The extras its marker compares `extra` with (normalised); empty: the marker does not mention `extra`. */
  markerExtras: string[];
}

const HEAD = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?/;
const EXTRA_LEFT = /\bextra\s*==\s*(['"])([^'"]*)\1/g;
const EXTRA_RIGHT = /(['"])([^'"]*)\1\s*==\s*extra\b/g;

/** The name, extras and marker extras of a PEP 508 requirement; undefined when it names nothing. */
export function parseRequirementHead(text: string): RequirementHead | undefined {
  const head = HEAD.exec(text);
  if (head === null) return undefined;
  const semicolon = text.indexOf(";", head[0].length);
  const marker = semicolon === -1 ? "" : text.slice(semicolon + 1);
  const markerExtras = [
    ...[...marker.matchAll(EXTRA_LEFT)].map((m) => m[2]!),
    ...[...marker.matchAll(EXTRA_RIGHT)].map((m) => m[2]!),
  ];
  const extras = (head[2] ?? "")
    .split(",")
    .map((extra) => extra.trim())
    .filter((extra) => extra !== "");
  return {
    name: normalizeName(head[1]!),
    extras: [...new Set(extras.map(normalizeName))].sort(),
    markerExtras: [...new Set(markerExtras.map(normalizeName))].sort(),
  };
}

export interface GraphWheel {
  /** PEP 503 normalised. */
  name: string;
  requires: readonly string[];
}

/** For each wheel (by name), the names of the wheels it depends on, sorted; every wheel has an entry. */
export function dependencyEdges(
  wheels: readonly GraphWheel[],
  app: { name: string; extras: readonly string[] },
): Map<string, string[]> {
  const present = new Set(wheels.map((wheel) => wheel.name));
  const heads = new Map(
    wheels.map((wheel) => [
      wheel.name,
      wheel.requires
        .map(parseRequirementHead)
        .filter((head): head is RequirementHead => head !== undefined && present.has(head.name)),
    ]),
  );
  const asked = new Map(wheels.map((wheel) => [wheel.name, new Set<string>()]));
  for (const extra of app.extras) asked.get(app.name)?.add(normalizeName(extra));
  const holds = (from: string, head: RequirementHead) =>
    head.markerExtras.length === 0 || head.markerExtras.some((extra) => asked.get(from)!.has(extra));
  // Extras asked of a wheel make more of its entries hold, which may ask more extras: until none is added.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [from, list] of heads)
      for (const head of list.filter((h) => holds(from, h)))
        for (const extra of head.extras) {
          const set = asked.get(head.name)!;
          if (!set.has(extra)) {
            set.add(extra);
            changed = true;
          }
        }
  }
  const edges = new Map<string, string[]>();
  for (const [from, list] of heads) {
    const targets = list.filter((h) => h.name !== from && holds(from, h)).map((h) => h.name);
    edges.set(from, [...new Set(targets)].sort());
  }
  return edges;
}
