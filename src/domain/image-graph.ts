// Which project image each image is built FROM, and the order that follows.
import { argReference, type DockerfileFacts } from "./dockerfile.js";

export interface ContextNode {
  /** The image name part, e.g. `builder`. */
  context: string;
  /** The build arg that names it, e.g. `BUILDER_IMAGE`. */
  buildArg: string;
  /** `NS/APP-builder`. */
  repository: string;
  dockerfile: DockerfileFacts;
}

export type GraphProblem =
  | { kind: "unknown-image-arg"; context: string; arg: string; line: number }
  | { kind: "cycle"; contexts: string[] };

export interface ImageGraph {
  /** context -> the project contexts its FROM lines name. */
  dependencies: Map<string, string[]>;
  problems: GraphProblem[];
}

/** Works out which project images each context's FROM lines name, by build arg or by repository. */
export function buildImageGraph(nodes: readonly ContextNode[]): ImageGraph {
  const byArg = new Map(nodes.map((node) => [node.buildArg, node.context]));
  const byRepository = new Map(nodes.map((node) => [node.repository, node.context]));
  const dependencies = new Map<string, string[]>();
  const problems: GraphProblem[] = [];
  for (const node of nodes) {
    const stages = new Set<string>();
    const needs = new Set<string>();
    for (const from of node.dockerfile.froms) {
      const arg = argReference(from.image);
      if (arg !== undefined) {
        const target = byArg.get(arg);
        if (target !== undefined) needs.add(target);
        else if (arg.endsWith("_IMAGE") && node.dockerfile.globalArgs.get(arg) === undefined) {
          problems.push({ kind: "unknown-image-arg", context: node.context, arg, line: from.line });
        }
      } else if (!stages.has(from.image)) {
        const repository = from.image.replace(/[:@][^/]*$/, "");
        const target = byRepository.get(repository);
        if (target !== undefined) needs.add(target);
      }
      if (from.stage !== undefined) stages.add(from.stage);
    }
    needs.delete(node.context);
    dependencies.set(node.context, [...needs].sort());
  }
  const cycle = findCycle(dependencies);
  if (cycle !== undefined) problems.push({ kind: "cycle", contexts: cycle });
  return { dependencies, problems };
}

function findCycle(dependencies: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (context: string): string[] | undefined => {
    if (state.get(context) === "done") return undefined;
    if (state.get(context) === "visiting") return [...path.slice(path.indexOf(context)), context];
    state.set(context, "visiting");
    path.push(context);
    for (const next of dependencies.get(context) ?? []) {
      const cycle = visit(next);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    state.set(context, "done");
    return undefined;
  };
  for (const context of [...dependencies.keys()].sort()) {
    const cycle = visit(context);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

/**
 * `targets` and everything they are built FROM, dependencies first; ties in name order so the
 * order is stable. Assumes the graph has no cycle (buildImageGraph reports those).
 */
export function buildOrder(dependencies: Map<string, string[]>, targets: readonly string[]): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (context: string): void => {
    if (seen.has(context)) return;
    seen.add(context);
    for (const next of dependencies.get(context) ?? []) visit(next);
    order.push(context);
  };
  for (const target of [...targets].sort()) visit(target);
  return order;
}
