// Projects packaged with each build backend the builder issue names (and a setup.cfg project), built
// through the real engine: the app's wheel comes from its own PEP 517 backend every time.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Manifest } from "../../src/domain/manifest.js";
import { runCli } from "../support/cli.js";
import { engineOrSkip } from "../support/engine.js";
import { makeLocalIndex, makeProject } from "../support/fixtures.js";
import { testRun } from "../support/test-run.js";

// No extra-index-urls: the host's pip configuration gives them (as in the projects these stand for).
const tool = (index: string) =>
  `\n[tool.wheelwright]\nnamespace = "${testRun().namespace}"\nnetwork = "host"\npull = false\nindex-url = "file:///opt/pypi/simple"\nfind-links = ["${index}"]\n`;

const BACKENDS: Record<string, { pyproject: string; extraFiles?: Record<string, string> }> = {
  "flit-backend": {
    pyproject: `[build-system]\nrequires = ["flit_core>=3.2"]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "flit-backend"\nversion = "0.3.0"\ndescription = "flit"\ndependencies = ["tinydep"]\n`,
  },
  "hatch-backend": {
    pyproject: `[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "hatch-backend"\nversion = "0.4.0"\ndependencies = ["tinydep"]\n\n[tool.hatch.build.targets.wheel]\npackages = ["hatch_backend"]\n`,
  },
  "poetry-backend": {
    pyproject: `[build-system]\nrequires = ["poetry-core>=1.0"]\nbuild-backend = "poetry.core.masonry.api"\n\n[tool.poetry]\nname = "poetry-backend"\nversion = "0.5.0"\ndescription = "poetry"\nauthors = ["t <t@t>"]\npackages = [{ include = "poetry_backend" }]\n\n[tool.poetry.dependencies]\npython = ">=3.8"\ntinydep = "*"\n`,
  },
  "cfg-backend": {
    pyproject: `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n`,
    extraFiles: {
      "setup.cfg":
        "[metadata]\nname = cfg-backend\nversion = 0.6.0\n\n[options]\npackages = cfg_backend\ninstall_requires =\n    tinydep\n",
    },
  },
};

describe.skipIf(engineOrSkip())("build backends (real engine)", () => {
  it.each(Object.keys(BACKENDS))("builds a %s project and its dependency", async (scenario) => {
    const spec = BACKENDS[scenario]!;
    const root = makeProject({ scenario, pyproject: spec.pyproject + tool(makeLocalIndex()), git: "none" });
    for (const [file, content] of Object.entries(spec.extraFiles ?? {}))
      writeFileSync(path.join(root, file), content);
    // Every backend gets the same small package (flit reads its description from the docstring).
    const module = path.join(root, scenario.replace(/-/g, "_"));
    rmSync(module, { recursive: true, force: true });
    mkdirSync(module);
    writeFileSync(path.join(module, "__init__.py"), `"""${scenario}"""\n`);
    const result = await runCli(["build"], { cwd: root });
    expect(result.exitCode, result.stderr.slice(-2500)).toBe(0);
    const manifest = JSON.parse(
      readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8"),
    ) as Manifest;
    expect(manifest.app.name).toBe(scenario);
    expect(manifest.wheels.map((w) => w.name).sort()).toEqual([scenario, "tinydep"].sort());
  });
});
