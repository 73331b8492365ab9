import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normalizeVersion } from "../../src/domain/pep440.js";
import { isPlainWheelFilename, parseWheelFilename } from "../../src/domain/wheel-filename.js";

describe("parseWheelFilename", () => {
  it("reads a pure-Python wheel", () => {
    expect(parseWheelFilename("django-5.2.17-py3-none-any.whl")).toEqual({
      filename: "django-5.2.17-py3-none-any.whl",
      name: "django",
      distribution: "django",
      version: "5.2.17",
      pythonTags: ["py3"],
      abiTags: ["none"],
      platformTags: ["any"],
    });
  });

  it("expands compressed tag sets", () => {
    const wheel = parseWheelFilename(
      "cffi-1.17.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    );
    expect(wheel?.platformTags).toEqual(["manylinux_2_17_x86_64", "manylinux2014_x86_64"]);
    expect(wheel?.pythonTags).toEqual(["cp311"]);
    expect(parseWheelFilename("six-1.16.0-py2.py3-none-any.whl")?.pythonTags).toEqual(["py2", "py3"]);
  });

  it("reads a build tag, a local version and an epoch", () => {
    const built = parseWheelFilename("pkg-1.0-1_linux-py3-none-any.whl");
    expect(built?.build).toBe("1_linux");
    expect(built?.version).toBe("1.0");
    expect(parseWheelFilename("torch-2.1.0+cpu-cp311-cp311-linux_x86_64.whl")?.version).toBe("2.1.0+cpu");
    expect(parseWheelFilename("pkg-1!2.0-py3-none-any.whl")?.version).toBe("1!2.0");
  });

  it("normalises the name the way PEP 503 does, keeping the distribution as written", () => {
    const wheel = parseWheelFilename("Flask_Login-0.6.3-py3-none-any.whl");
    expect(wheel?.name).toBe("flask-login");
    expect(wheel?.distribution).toBe("Flask_Login");
    expect(parseWheelFilename("zope.interface-7.0-cp311-cp311-linux_x86_64.whl")?.name).toBe(
      "zope-interface",
    );
  });

  it.each([
    ["a path", "deps/django-5.2.17-py3-none-any.whl"],
    ["a parent path", "../django-5.2.17-py3-none-any.whl"],
    ["a backslash", "..\\django-5.2.17-py3-none-any.whl"],
    ["`..` inside", "django-5..2-py3-none-any.whl"],
    ["a leading dot", ".django-5.2.17-py3-none-any.whl"],
    ["a NUL", "django-5.2.17-py3-none-any.whl\0.txt"],
    ["a newline", "django-5.2.17-py3-none-any\n.whl"],
    ["a space", "django 2-5.2.17-py3-none-any.whl"],
    ["non-ASCII", "djängo-5.2.17-py3-none-any.whl"],
    ["a shell character", "django;rm-5.2.17-py3-none-any.whl"],
    ["over 255 bytes", `${"a".repeat(240)}-1.0-py3-none-any.whl`],
    ["not .whl", "django-5.2.17-py3-none-any.zip"],
    ["too few parts", "django-5.2.17-any.whl"],
    ["too many parts", "django-5.2.17-1-2-py3-none-any.whl"],
    ["an invalid version", "django-five-py3-none-any.whl"],
    ["a build tag without a leading digit", "django-5.2-x1-py3-none-any.whl"],
    ["an empty tag component", "django-5.2-py3.-none-any.whl"],
    ["a double underscore", "foo__bar-1.0-py3-none-any.whl"],
    ["an empty name", "-1.0-py3-none-any.whl"],
    ["only the extension", ".whl"],
  ])("refuses %s", (_reason, name) => {
    expect(parseWheelFilename(name)).toBeUndefined();
    expect(isPlainWheelFilename(name)).toBe(false);
  });

  it("accepts exactly 255 bytes", () => {
    const name = `${"a".repeat(255 - "-1.0-py3-none-any.whl".length)}-1.0-py3-none-any.whl`;
    expect(name).toHaveLength(255);
    expect(isPlainWheelFilename(name)).toBe(true);
  });

  const folder = "/opt/pypi/files";
  it.skipIf(!existsSync(folder))("accepts every wheel name of the machine's local index", () => {
    const names = readdirSync(folder).filter((name) => name.endsWith(".whl"));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !isPlainWheelFilename(name))).toEqual([]);
  });
});

describe("normalizeVersion", () => {
  // Each expectation is what packaging 26's str(Version(text)) gives.
  it.each([
    ["1.0", "1.0"],
    ["1.0.0", "1.0.0"],
    ["1.0-1", "1.0.post1"],
    ["1.0.POST1", "1.0.post1"],
    ["1.0_post_1", "1.0.post1"],
    ["1.0rev2", "1.0.post2"],
    ["1.0-r", "1.0.post0"],
    ["v1.0", "1.0"],
    [" 1.0 ", "1.0"],
    ["0!1.0", "1.0"],
    ["1!2.0+CPU", "1!2.0+cpu"],
    ["1.0+ubuntu-01", "1.0+ubuntu.1"],
    ["1.0+abc.007", "1.0+abc.7"],
    ["01.02", "1.2"],
    ["2024.01.01", "2024.1.1"],
    ["1.0c1", "1.0rc1"],
    ["1.0a", "1.0a0"],
    ["1.0.dev", "1.0.dev0"],
    ["1.0RC1.DEV2", "1.0rc1.dev2"],
    ["1.0.0-alpha.1", "1.0.0a1"],
    ["1.99999999999999999999", "1.99999999999999999999"],
  ])("%j -> %j", (text, normal) => {
    expect(normalizeVersion(text)).toBe(normal);
  });

  it.each(["", "five", "1.0-", "1.0+", "1.0+a..b", "1..0", "1.0 beta 2"])("refuses %j", (text) => {
    expect(normalizeVersion(text)).toBeUndefined();
  });
});
