import { describe, expect, it } from "vitest";
import { closest, contextImageName, imageBuildArg, normalizeName } from "../../src/domain/names.js";

describe("names", () => {
  it("normalises like PEP 503/685: Test_Extra is test-extra", () => {
    expect(normalizeName("Test_Extra")).toBe("test-extra");
    expect(normalizeName("zope.interface")).toBe("zope-interface");
    expect(normalizeName("A--B__c")).toBe("a-b-c");
  });

  it("maps a folder to its image name and build arg", () => {
    expect(contextImageName("dev_tools")).toBe("dev-tools");
    expect(imageBuildArg("dev-tools")).toBe("DEV_TOOLS_IMAGE");
    expect(imageBuildArg("base")).toBe("BASE_IMAGE");
  });

  it("suggests the closest candidate, and nothing far away", () => {
    expect(closest("namespase", ["namespace", "app", "version"])).toBe("namespace");
    expect(closest("wheelhous", ["wheelhouse", "images"])).toBe("wheelhouse");
    expect(closest("zzzzzzzz", ["namespace", "app"])).toBeUndefined();
  });
});
