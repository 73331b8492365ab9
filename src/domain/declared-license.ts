// What a wheel's METADATA says of its license, kept in the manifest (so a reused wheel needs no
// second reading), and told in the SBOM as CycloneDX licenses: the License-Expression (core
// metadata 2.4) as an SPDX expression; else the `License ::` classifiers, each an SPDX id where the
// classifier names exactly one license, else by its own name; else the License field: an SPDX id
// when it is exactly one of the ids known here, else by name.

export interface DeclaredLicense {
  /** License-Expression: an SPDX expression. */
  expression?: string;
  /** The `License :: ...` classifiers, sorted. */
  classifiers?: string[];
  /** The License field's first line, shortened: the field often holds a whole license text. */
  field?: string;
}

export type CycloneDxLicense =
  | { license: { id: string } }
  | { license: { name: string } }
  | { expression: string };

/** Longest License field kept as a license's name. */
const MAX_FIELD_NAME = 100;

/**
 * Classifiers that name exactly one SPDX license. Left out on purpose, as they name none exactly:
 * "Apache Software License" (no version), "BSD License" (2- or 3-clause), the GPL/LGPL ones
 * without "or later" (only or or-later is not said), "Zope Public License" (no version).
 */
const SPDX_BY_CLASSIFIER: Readonly<Record<string, string>> = {
  "License :: OSI Approved :: MIT License": "MIT",
  "License :: OSI Approved :: MIT No Attribution License (MIT-0)": "MIT-0",
  "License :: OSI Approved :: CMU License (MIT-CMU)": "MIT-CMU",
  "License :: OSI Approved :: Zero-Clause BSD (0BSD)": "0BSD",
  "License :: OSI Approved :: ISC License (ISCL)": "ISC",
  "License :: OSI Approved :: Python Software Foundation License": "PSF-2.0",
  "License :: OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)": "MPL-1.1",
  "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
  "License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
  "License :: OSI Approved :: The Unlicense (Unlicense)": "Unlicense",
  "License :: OSI Approved :: Universal Permissive License (UPL)": "UPL-1.0",
  "License :: OSI Approved :: Eclipse Public License 1.0 (EPL-1.0)": "EPL-1.0",
  "License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
  "License :: OSI Approved :: European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
  "License :: OSI Approved :: Common Development and Distribution License 1.0 (CDDL-1.0)": "CDDL-1.0",
  "License :: OSI Approved :: Historical Permission Notice and Disclaimer (HPND)": "HPND",
  "License :: OSI Approved :: PostgreSQL License": "PostgreSQL",
  "License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
  "License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
  "License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
  "License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
  "License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
  "License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
};

/** The facts kept from METADATA's License-Expression, License and classifiers. */
export function declaredLicense(metadata: {
  license?: string;
  licenseExpression?: string;
  classifiers: readonly string[];
}): DeclaredLicense {
  const expression = metadata.licenseExpression?.trim();
  const classifiers = [
    ...new Set(metadata.classifiers.map((c) => c.trim()).filter((c) => c.startsWith("License ::"))),
  ].sort();
  const field = fieldName(metadata.license);
  return {
    ...(expression ? { expression } : {}),
    ...(classifiers.length > 0 ? { classifiers } : {}),
    ...(field === undefined ? {} : { field }),
  };
}

function fieldName(license: string | undefined): string | undefined {
  const line = license
    ?.split("\n")
    .map((part) => part.trim())
    .find((part) => part !== "");
  // Old setuptools wrote UNKNOWN for a license not given.
  if (line === undefined || line === "UNKNOWN") return undefined;
  return line.length <= MAX_FIELD_NAME ? line : `${line.slice(0, MAX_FIELD_NAME - 1).trimEnd()}…`;
}

/** The SPDX id a `License ::` classifier names, or undefined when it names none exactly. */
export function spdxIdOfClassifier(classifier: string): string | undefined {
  return SPDX_BY_CLASSIFIER[classifier];
}

/** SPDX ids a License field may be written as (`License: BSD-3-Clause`): those of the table, and these. */
const FIELD_SPDX_IDS = new Set([
  ...Object.values(SPDX_BY_CLASSIFIER),
  "Apache-2.0",
  "BSD-2-Clause",
  "BSD-3-Clause",
  "GPL-2.0-only",
  "GPL-3.0-only",
  "LGPL-2.1-only",
  "LGPL-2.1-or-later",
  "LGPL-3.0-only",
  "AGPL-3.0-only",
  "Zlib",
]);

/** Every SPDX id this module can write (for the tests: each must be a real SPDX id). */
export const KNOWN_SPDX_IDS: readonly string[] = [...FIELD_SPDX_IDS].sort();

/** The CycloneDX `licenses` of a wheel (empty: it declares none). */
export function cycloneDxLicenses(declared: DeclaredLicense): CycloneDxLicense[] {
  if (declared.expression !== undefined) return [{ expression: declared.expression }];
  const classified = (declared.classifiers ?? []).flatMap((classifier): CycloneDxLicense[] => {
    const id = spdxIdOfClassifier(classifier);
    if (id !== undefined) return [{ license: { id } }];
    // "License :: OSI Approved :: BSD License" is named "BSD License"; a bare "License :: OSI
    // Approved" names no license at all.
    const name = classifier.split("::").at(-1)?.trim();
    const bare = classifier.split("::").length <= 2 && classifier.includes("OSI Approved");
    return name === undefined || name === "" || bare ? [] : [{ license: { name } }];
  });
  if (classified.length > 0) return uniqueLicenses(classified);
  if (declared.field === undefined) return [];
  return [
    FIELD_SPDX_IDS.has(declared.field)
      ? { license: { id: declared.field } }
      : { license: { name: declared.field } },
  ];
}

function uniqueLicenses(licenses: CycloneDxLicense[]): CycloneDxLicense[] {
  const byKey = new Map(licenses.map((license) => [JSON.stringify(license), license]));
  return [...byKey.keys()].sort().map((key) => byKey.get(key)!);
}
