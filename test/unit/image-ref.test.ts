import { describe, expect, it } from "vitest";
import {
  componentProblem,
  imageRepository,
  namespaceProblem,
  repositoryProblem,
  tagProblem,
} from "../../src/domain/image-ref.js";

describe("image references", () => {
  it("accepts ordinary names, namespaces with a registry host, and tags", () => {
    expect(componentProblem("polls")).toBeUndefined();
    expect(componentProblem("my_app-2")).toBeUndefined();
    expect(namespaceProblem("acme/team")).toBeUndefined();
    expect(namespaceProblem("127.0.0.1:5000/acme")).toBeUndefined();
    expect(tagProblem("1.0.0")).toBeUndefined();
    expect(tagProblem("abc1234-dirty")).toBeUndefined();
  });

  it.each([
    ["Polls", /uppercase/],
    ["-polls", /starts with/],
    [".polls", /starts with/],
    ["po lls", /whitespace/],
    ["polls;rm", /may only hold/],
    ["polls$(id)", /may only hold/],
    ["", /empty/],
  ])("refuses the app name %j", (value, message) => {
    expect(componentProblem(value)).toMatch(message);
  });

  it.each([
    ["1.0+cuda", /PEP 440 local version.*1\.0-cuda/],
    ["-1", /starts with/],
    [".x", /starts with/],
    ["a".repeat(129), /129 characters/],
    ["1 0", /whitespace/],
    ["v1;ls", /may only hold/],
  ])("refuses the tag %j", (value, message) => {
    expect(tagProblem(value)).toMatch(message);
  });

  it("builds NS/APP-CONTEXT, or APP-CONTEXT without a namespace", () => {
    expect(imageRepository("acme", "polls", "builder")).toBe("acme/polls-builder");
    expect(imageRepository("", "polls", "base")).toBe("polls-base");
  });

  it("refuses a repository over 255 characters", () => {
    expect(repositoryProblem(`a/${"b".repeat(260)}`)).toMatch(/at most 255/);
  });
});
