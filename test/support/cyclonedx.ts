// The official CycloneDX 1.6 JSON schema, as the maintained library ships it (a devDependency, for
// the tests only), compiled with ajv: the wheelhouse's SBOM is checked against it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

const schemaDir = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@cyclonedx/cyclonedx-library/package.json")),
  "res",
  "schema",
);

export function readCycloneDxSchema(file: string): { enum?: string[] } & Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(schemaDir, file), "utf8"));
}

/** The SPDX license ids CycloneDX accepts as `license.id`. */
export function spdxLicenseIds(): Set<string> {
  return new Set(readCycloneDxSchema("spdx.SNAPSHOT.schema.json").enum);
}

let compiled: ValidateFunction | undefined;

/**
 * The compiled validator, compiled once per worker: compiling the schema takes seconds on a loaded
 * machine, and three test files (several tests each) ask for it. A ValidateFunction keeps only its
 * last call's errors, and every caller reads them right after its own call.
 */
export function cycloneDx16Validator(): ValidateFunction {
  compiled ??= compileCycloneDx16();
  return compiled;
}

function compileCycloneDx16(): ValidateFunction {
  const ajv = new Ajv({ strict: false });
  // ajv-formats is CommonJS: under NodeNext its default import is the module, whose `default` is the plugin.
  addFormatsModule.default(ajv);
  // The schema uses these two for fields the SBOM never writes (emails, external reference URLs).
  ajv.addFormat("idn-email", true);
  ajv.addFormat("iri-reference", true);
  // bom-1.6 refers to its neighbours by their SNAPSHOT file names.
  for (const file of ["spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"])
    ajv.addSchema({ ...readCycloneDxSchema(file), $id: `http://cyclonedx.org/schema/${file}` });
  return ajv.compile(readCycloneDxSchema("bom-1.6.SNAPSHOT.schema.json"));
}
