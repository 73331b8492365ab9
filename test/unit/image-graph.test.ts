import { describe, expect, it } from "vitest";
import { readDockerfile } from "../../src/domain/dockerfile.js";
import { buildImageGraph, buildOrder } from "../../src/domain/image-graph.js";

const node = (context: string, dockerfile: string) => ({
  context,
  buildArg: `${context.toUpperCase()}_IMAGE`,
  repository: `acme/app-${context}`,
  dockerfile: readDockerfile(dockerfile),
});

describe("Dockerfile FROM lines", () => {
  it("reads FROM images, stages, global ARG defaults and continuation lines", () => {
    const facts = readDockerfile(
      "# comment\nARG BASE_IMAGE=acme/app-base:latest\nARG OTHER\nFROM --platform=linux/amd64 ${BASE_IMAGE} AS build\nRUN echo \\\n  hi\nFROM debian:bookworm-slim\n",
    );
    expect(facts.froms.map((f) => [f.image, f.stage])).toEqual([
      ["${BASE_IMAGE}", "build"],
      ["debian:bookworm-slim", undefined],
    ]);
    expect(facts.globalArgs.get("BASE_IMAGE")).toBe("acme/app-base:latest");
    expect(facts.globalArgs.has("OTHER")).toBe(true);
  });
});

describe("image graph", () => {
  it("orders base before builder before dev, by build arg and by repository name", () => {
    const graph = buildImageGraph([
      node("dev", "FROM acme/app-builder:1.0\n"),
      node("builder", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n"),
      node("base", "FROM debian:bookworm-slim\n"),
    ]);
    expect(graph.problems).toEqual([]);
    expect(buildOrder(graph.dependencies, ["dev", "builder", "base"])).toEqual(["base", "builder", "dev"]);
    expect(buildOrder(graph.dependencies, ["builder"])).toEqual(["base", "builder"]);
  });

  it("does not treat a stage name as an image", () => {
    const graph = buildImageGraph([node("release", "FROM debian AS install\nFROM install\n")]);
    expect(graph.dependencies.get("release")).toEqual([]);
  });

  it("reports a FROM cycle", () => {
    const graph = buildImageGraph([node("a", "FROM ${B_IMAGE}\n"), node("b", "FROM ${A_IMAGE}\n")]);
    expect(graph.problems).toContainEqual({ kind: "cycle", contexts: ["a", "b", "a"] });
  });

  it("reports a FROM naming a project image whose folder does not exist", () => {
    const graph = buildImageGraph([node("builder", "FROM ${BASSE_IMAGE}\n")]);
    expect(graph.problems).toEqual([
      { kind: "unknown-image-arg", context: "builder", arg: "BASSE_IMAGE", line: 1 },
    ]);
  });

  it("accepts an unknown *_IMAGE arg that has a default", () => {
    const graph = buildImageGraph([node("builder", "ARG PYTHON_IMAGE=python:3.11\nFROM ${PYTHON_IMAGE}\n")]);
    expect(graph.problems).toEqual([]);
  });
});
