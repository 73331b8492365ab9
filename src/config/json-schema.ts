// The config as a JSON schema (draft 2020-12), generated from the zod schemas of CONFIG_KEYS: editors
// that read `#:schema` (taplo, Even Better TOML) complete and check `wheelwright.toml` and
// `[tool.wheelwright]` with it. Committed under schema/ and drift-tested.
import { z } from "zod";
import { CONFIG_KEYS, KEY_NAMES } from "./schema.js";
import { TARGET_KEY, targetJsonSchema } from "./targets.js";

export const SCHEMA_FILE = "schema/wheelwright.schema.json";

export function configJsonSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const key of KEY_NAMES) {
    const spec = CONFIG_KEYS[key];
    const generated = z.toJSONSchema(spec.schema as z.ZodType) as Record<string, unknown>;
    delete generated.$schema;
    properties[key] = {
      ...generated,
      description: `${spec.describe} (environment: ${spec.env.join(", ")})`,
      ...(spec.default === undefined ? {} : { default: spec.default }),
    };
  }
  properties[TARGET_KEY] = targetJsonSchema();
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "wheelwright.schema.json",
    title: "wheelwright configuration",
    description:
      "wheelwright's config: the top level of wheelwright.toml, or [tool.wheelwright] in pyproject.toml. Precedence: flags > WHEELWRIGHT_* > REPO_NS/APP_NAME/REPO_VERSION > this file > defaults.",
    type: "object",
    additionalProperties: false,
    properties,
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
