import { describe, expect, it } from "vitest";
import { readStaticMetadata } from "../../src/domain/project-metadata.js";
import { setupCfgExtras, setupPyExtras } from "../../src/domain/setuptools-extras.js";

describe("setup.py's extras, read as text", () => {
  it("a setup.py that never names extras_require declares none", () => {
    expect(
      setupPyExtras('from setuptools import setup\nsetup(name="x", install_requires=["django>=4.2"])\n'),
    ).toEqual([]);
  });

  it("reads the keys of a dict literal, not those nested in its values", () => {
    const text = `setup(\n    name="x",\n    extras_require={\n        "test": ["pytest", "a[b]>=1"],  # comment: "fake": 1\n        'Docs': {"x": 1} and [],\n    },\n)\n`;
    expect(setupPyExtras(text)).toEqual(["test", "docs"]);
  });

  it("reads dict(...) calls and a name bound earlier, with later additions", () => {
    expect(setupPyExtras('setup(extras_require=dict(test=["pytest"], mysql = ["mysqlclient"]))')).toEqual([
      "test",
      "mysql",
    ]);
    const bound =
      'EXTRAS = {"postgres": ["psycopg2"]}\nEXTRAS["dev"] = ["tox"]\nsetup(name="x", extras_require=EXTRAS)\n';
    expect(setupPyExtras(bound)).toEqual(["postgres", "dev"]);
  });

  it("is undefined where it cannot tell (a computed value)", () => {
    expect(setupPyExtras("setup(extras_require=get_extras())")).toBeUndefined();
    expect(setupPyExtras("setup(extras_require=EXTRAS)")).toBeUndefined();
  });

  it("reads setup.cfg's [options.extras_require] keys", () => {
    const cfg =
      "[metadata]\nname = x\n\n[options.extras_require]\ntest =\n    pytest\n    coverage\nDocs = sphinx\n\n[flake8]\nmax-line-length = 99\n";
    expect(setupCfgExtras(cfg)).toEqual(["test", "docs"]);
    expect(setupCfgExtras("[metadata]\nname = x\n")).toBeUndefined();
  });

  it("a setup.py project with no extras has no test set to assume; poetry's extras are read too", () => {
    const files = { pyproject: undefined, setupCfg: undefined, setupPy: 'setup(name="reversionish")\n' };
    expect(readStaticMetadata(files).extras).toEqual([]);
    const poetry = {
      pyproject:
        '[tool.poetry]\nname = "p"\nversion = "1"\n[tool.poetry.dependencies]\npython = "^3.11"\n[tool.poetry.extras]\nCache = ["redis"]\n',
      setupCfg: undefined,
      setupPy: undefined,
    };
    expect(readStaticMetadata(poetry).extras).toEqual(["cache"]);
  });
});
