import { describe, expect, it } from "vitest";
import { type ConfigInputs, resolveConfig } from "../../src/config/resolve.js";
import { KEY_NAMES } from "../../src/config/schema.js";
import { InputError } from "../../src/errors.js";

const base = (over: Partial<ConfigInputs> = {}): ConfigInputs => ({
  fileTable: {},
  fileLabel: "pyproject.toml [tool.wheelwright]",
  env: {},
  flags: {},
  projectName: { value: "Polls_App", detail: "pyproject.toml [project] name" },
  ...over,
});

function problemsOf(inputs: ConfigInputs): string[] {
  try {
    resolveConfig(inputs);
  } catch (error) {
    if (error instanceof InputError) return [...error.details];
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("config resolution", () => {
  it("defaults everything and takes the app name from the project, normalised", () => {
    const config = resolveConfig(base());
    expect(config.app).toEqual({
      value: "polls-app",
      origin: { kind: "project", detail: "pyproject.toml [project] name" },
    });
    expect(config.version.value).toBe("latest");
    expect(config.images.value).toBe("docker");
    expect(config.network.value).toBe("default");
    expect(config.engine.origin).toEqual({ kind: "default" });
  });

  it("applies flags > WHEELWRIGHT_* > seed variables > file > defaults", () => {
    const inputs = base({
      fileTable: { namespace: "file", version: "1.0", app: "fileapp" },
      env: { REPO_NS: "seed", WHEELWRIGHT_NAMESPACE: "ww", REPO_VERSION: "2.0", APP_NAME: "seedapp" },
      flags: { namespace: "flag" },
    });
    const config = resolveConfig(inputs);
    expect(config.namespace).toEqual({ value: "flag", origin: { kind: "flag", name: "--namespace" } });
    expect(config.version).toEqual({ value: "2.0", origin: { kind: "env", name: "REPO_VERSION" } });
    expect(config.app).toEqual({ value: "seedapp", origin: { kind: "env", name: "APP_NAME" } });
    const withoutFlag = resolveConfig({ ...inputs, flags: {} });
    expect(withoutFlag.namespace.origin).toEqual({ kind: "env", name: "WHEELWRIGHT_NAMESPACE" });
    const fileOnly = resolveConfig({ ...inputs, flags: {}, env: {} });
    expect(fileOnly.namespace.origin).toEqual({ kind: "file", file: "pyproject.toml [tool.wheelwright]" });
  });

  it("reports every problem at once, with a did-you-mean for unknown keys", () => {
    const problems = problemsOf(
      base({
        fileTable: { namespase: "x", network: "bridge", version: "1.0+cuda", timeout: -1 },
        env: { APP_NAME: "Bad App" },
      }),
    );
    expect(problems).toHaveLength(5);
    expect(problems.join("\n")).toContain("unknown key 'namespase' (did you mean 'namespace'?)");
    expect(problems.join("\n")).toMatch(/network.*(Invalid|expected)/i);
    expect(problems.join("\n")).toMatch(/version.*1\.0\+cuda.*PEP 440/);
    expect(problems.join("\n")).toMatch(/app \(from APP_NAME\): 'Bad App'.*whitespace/);
    expect(problems.join("\n")).toMatch(/timeout/);
  });

  it("requires an app name when the project has none", () => {
    expect(problemsOf(base({ projectName: undefined })).join("\n")).toMatch(/no application name/);
  });

  it("splits list values from the environment", () => {
    const config = resolveConfig(base({ env: { WHEELWRIGHT_FIND_LINKS: "/a  /b" } }));
    expect(config.findLinks.value).toEqual(["/a", "/b"]);
  });
});

describe("config keys and flags", () => {
  it("resolves every key under its camelCase name", () => {
    expect(Object.keys(resolveConfig(base())).sort()).toEqual(
      KEY_NAMES.map((key) => key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())).sort(),
    );
  });

  it("names a flag-sourced value by the flag's own spelling (--image-version, not --version)", () => {
    expect(problemsOf(base({ flags: { version: ".1" } })).join()).toMatch(/version \(from --image-version\)/);
    expect(resolveConfig(base({ flags: { version: "1.0" } })).version.origin).toEqual({
      kind: "flag",
      name: "--image-version",
    });
  });
});
