import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { configJsonSchema, configJsonSchemaText, SCHEMA_FILE } from "../../src/config/json-schema.js";
import { KEY_NAMES } from "../../src/config/schema.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("the config's JSON schema", () => {
  it("is committed as generated (regenerate with `npm run schema`)", () => {
    expect(readFileSync(path.join(root, SCHEMA_FILE), "utf8")).toBe(configJsonSchemaText());
  });

  it("describes every key, with its default where it has one", () => {
    const properties = configJsonSchema().properties as Record<string, { description?: string }>;
    // Every config key, and the `target` tables (issue 14).
    expect(Object.keys(properties).sort()).toEqual([...KEY_NAMES, "target"].sort());
    for (const key of KEY_NAMES) expect(properties[key]!.description, key).toMatch(/\(environment: /);
  });

  it("accepts the example's config and refuses a misspelt key and a wrong type", () => {
    const validate = new Ajv2020({ strict: false }).compile(configJsonSchema());
    const pyproject = parse(readFileSync(path.join(root, "examples/polls/pyproject.toml"), "utf8")) as {
      tool: { wheelwright: unknown };
    };
    expect(validate(pyproject.tool.wheelwright), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ namespase: "x" })).toBe(false);
    expect(validate({ network: "bridge" })).toBe(false);
    expect(validate({ timeout: "soon" })).toBe(false);
  });
});
