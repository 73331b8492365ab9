#!/usr/bin/env node
// Writes schema/wheelwright.schema.json from the config's zod schemas (run after `npm run build`;
// a unit test fails when the committed file differs from what this writes).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { configJsonSchemaText, SCHEMA_FILE } from "../dist/config/json-schema.js";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
mkdirSync(path.join(root, "schema"), { recursive: true });
writeFileSync(path.join(root, SCHEMA_FILE), configJsonSchemaText());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
