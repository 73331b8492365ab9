import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors.js";
import { initProject } from "../../../src/workflows/init-project.js";
import { testContext } from "../../support/workflow-context.js";

const CONFIG = { namespace: "acme", network: "host", "index-url": "file:///srv/simple" };

/** A project as a team has it: a pyproject.toml and a package, nothing of wheelwright's. */
function teamProject(tmp: string): string {
  const root = path.join(tmp, "team");
  mkdirSync(path.join(root, "team_app"), { recursive: true });
  writeFileSync(path.join(root, "team_app", "__init__.py"), "");
  writeFileSync(
    path.join(root, "pyproject.toml"),
    '[project]\nname = "team-app"\nversion = "1.0"\ndependencies = []\n',
  );
  return root;
}

describe("init keeps the project's own image folders", () => {
  it("writes the config and the images the project lacks around the Dockerfiles it has, and says which it kept", async () => {
    const { ctx, tmp } = testContext();
    const root = teamProject(tmp);
    const own = "FROM registry.example/team/python:3.11\n";
    mkdirSync(path.join(root, "docker", "base"), { recursive: true });
    writeFileSync(path.join(root, "docker", "base", "Dockerfile"), own);

    const result = await initProject(ctx, { root, config: CONFIG, force: false });

    expect(readFileSync(path.join(root, "docker", "base", "Dockerfile"), "utf8")).toBe(own);
    expect(result.written).not.toContain("docker/base/Dockerfile");
    expect(result.written).toEqual(
      expect.arrayContaining(["wheelwright.toml", "docker/builder/Dockerfile", "docker/release/Dockerfile"]),
    );
    expect(existsSync(path.join(root, "docker", "release", "Dockerfile"))).toBe(true);
    expect(result.notes).toContain("kept docker/base/Dockerfile (the project's own image)");
  });

  it("stops, naming every existing file, when the config exists (the project is set up already)", async () => {
    const { ctx, tmp } = testContext();
    const root = teamProject(tmp);
    await initProject(ctx, { root, config: CONFIG, force: false });
    const before = readFileSync(path.join(root, "wheelwright.toml"), "utf8");

    const again = initProject(ctx, { root, config: { ...CONFIG, namespace: "other" }, force: false });

    await expect(again).rejects.toThrow(InputError);
    await expect(again).rejects.toThrow(
      /Not overwriting existing files: wheelwright.toml, docker\/base\/Dockerfile, docker\/builder\/Dockerfile/,
    );
    expect(readFileSync(path.join(root, "wheelwright.toml"), "utf8")).toBe(before);
  });

  it("--force replaces the project's image folders too", async () => {
    const { ctx, tmp } = testContext();
    const root = teamProject(tmp);
    mkdirSync(path.join(root, "docker", "builder"), { recursive: true });
    writeFileSync(path.join(root, "docker", "builder", "Dockerfile"), "FROM scratch\n");

    const result = await initProject(ctx, { root, config: CONFIG, force: true });

    expect(result.written).toContain("docker/builder/Dockerfile");
    expect(readFileSync(path.join(root, "docker", "builder", "Dockerfile"), "utf8")).toMatch(
      /FROM \$\{BASE_IMAGE\}/,
    );
  });
});

describe("init's #:schema line", () => {
  it("points at the schema relative to the config when wheelwright is installed inside the project", async () => {
    const { ctx, tmp } = testContext();
    const root = teamProject(tmp);
    const schemaFile = path.join(root, "node_modules", "wheelwright", "schema", "wheelwright.schema.json");

    await initProject(ctx, { root, config: CONFIG, force: false, schemaFile });

    const first = readFileSync(path.join(root, "wheelwright.toml"), "utf8").split("\n")[0];
    expect(first).toBe("#:schema node_modules/wheelwright/schema/wheelwright.schema.json");
  });

  it("writes no machine-local absolute path when the schema lies outside the project", async () => {
    const { ctx, tmp } = testContext();
    const root = teamProject(tmp);
    const schemaFile = path.join(tmp, "global", "wheelwright", "schema", "wheelwright.schema.json");

    await initProject(ctx, { root, config: CONFIG, force: false, schemaFile });

    const text = readFileSync(path.join(root, "wheelwright.toml"), "utf8");
    expect(text).not.toMatch(/#:schema/);
    expect(text).not.toContain(tmp);
  });

  it("by default (this checkout, outside the test's project) writes no #:schema line", async () => {
    const { ctx, tmp } = testContext();
    const root = teamProject(tmp);
    await initProject(ctx, { root, config: CONFIG, force: false });
    expect(readFileSync(path.join(root, "wheelwright.toml"), "utf8")).not.toMatch(/^#:schema \//m);
  });
});
