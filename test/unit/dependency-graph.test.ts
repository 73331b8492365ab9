import { describe, expect, it } from "vitest";
import { dependencyEdges, parseRequirementHead } from "../../src/domain/dependency-graph.js";

describe("a requirement's head", () => {
  it("reads the name, the extras and the extras its marker names", () => {
    expect(parseRequirementHead("Django>=4.2")).toEqual({ name: "django", extras: [], markerExtras: [] });
    expect(parseRequirementHead("zope.interface (>=5)")).toMatchObject({ name: "zope-interface" });
    expect(parseRequirementHead("requests[Socks, security_X] >=2 ; python_version<'3.12'")).toEqual({
      name: "requests",
      extras: ["security-x", "socks"],
      markerExtras: [],
    });
    expect(parseRequirementHead('pytest ; extra == "Test_Extra" or "docs" == extra')).toEqual({
      name: "pytest",
      extras: [],
      markerExtras: ["docs", "test-extra"],
    });
    expect(parseRequirementHead("pkg @ https://example.invalid/pkg.whl ; extra == 'x'")).toMatchObject({
      name: "pkg",
      markerExtras: ["x"],
    });
    expect(parseRequirementHead("  ")).toBeUndefined();
  });
});

describe("the dependency edges", () => {
  it("follow extras asked through brackets and self-references, to a fixed point", () => {
    const edges = dependencyEdges(
      [
        { name: "app", requires: ["lib[all]"] },
        // lib[all] asks lib[a], whose entry asks dep-b.
        {
          name: "lib",
          requires: ["lib[a] ; extra == 'all'", "dep-a ; extra == 'a'", "dep-c ; extra == 'c'"],
        },
        { name: "dep-a", requires: [] },
        { name: "dep-c", requires: [] },
      ],
      { name: "app", extras: [] },
    );
    expect(edges.get("app")).toEqual(["lib"]);
    expect(edges.get("lib")).toEqual(["dep-a"]);
    expect(edges.get("dep-c")).toEqual([]);
  });

  it("use the build's requested extras for the application only", () => {
    const wheels = [
      { name: "app", requires: ["tool ; extra == 'test'"] },
      { name: "other", requires: ["tool ; extra == 'test'"] },
      { name: "tool", requires: [] },
    ];
    expect(dependencyEdges(wheels, { name: "app", extras: ["Test"] }).get("app")).toEqual(["tool"]);
    expect(dependencyEdges(wheels, { name: "app", extras: ["Test"] }).get("other")).toEqual([]);
    expect(dependencyEdges(wheels, { name: "app", extras: [] }).get("app")).toEqual([]);
  });
});
