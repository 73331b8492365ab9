import { describe, expect, it } from "vitest";
import { DPKG_STATUS_LIMITS, parseDpkgStatus } from "../../src/domain/dpkg-status.js";
import { readImageSystem } from "../../src/domain/image-system.js";
import { parseOsRelease } from "../../src/domain/os-release.js";
import { debPurl, pypiPurl } from "../../src/domain/purl.js";
import { STATUS } from "../support/dpkg-status-text.js";

const problemsOf = (text: string) => parseDpkgStatus(text).problems;

describe("dpkg's status", () => {
  it("lists the installed packages of a multi-paragraph status, sorted, with their source", () => {
    const { packages, problems } = parseDpkgStatus(STATUS);
    expect(problems).toEqual([]);
    expect(packages).toEqual([
      {
        name: "bsdutils",
        version: "1:2.38.1-5+deb12u3",
        architecture: "amd64",
        source: { name: "util-linux", version: "2.38.1-5+deb12u3" },
      },
      { name: "libc6", version: "2.36-9+deb12u10", architecture: "amd64", source: { name: "glibc" } },
      // Held, yet installed: in the image all the same.
      {
        name: "python3",
        version: "3.11.2-1+b1",
        architecture: "amd64",
        source: { name: "python3-defaults" },
      },
    ]);
  });

  it("skips what is not installed, and tells a package's own source from another", () => {
    const names = parseDpkgStatus(STATUS).packages.map((p) => p.name);
    expect(names).not.toContain("old-removed");
    expect(names).not.toContain("never-there");
    const own = parseDpkgStatus(
      "Package: dash\nStatus: install ok installed\nArchitecture: amd64\nSource: dash\nVersion: 0.5.12-2\n",
    );
    expect(own.packages).toEqual([{ name: "dash", version: "0.5.12-2", architecture: "amd64" }]);
    // The same name on two architectures (multi-arch) is two packages.
    const multi = parseDpkgStatus(
      "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9\n\nPackage: libc6\nStatus: install ok installed\nArchitecture: i386\nVersion: 2.36-9\n",
    );
    expect(multi.packages.map((p) => p.architecture)).toEqual(["amd64", "i386"]);
    expect(parseDpkgStatus("").packages).toEqual([]);
  });

  it("refuses names, versions and architectures outside Debian's rules: nothing of them reaches the SBOM", () => {
    const entry = (fields: string) =>
      `Package: ok-pkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n${fields}`;
    const bad = [
      "Package: Evil\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n",
      'Package: x"y\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n',
      "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n",
      "Package: pkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0?x=1#frag\n",
      "Package: pkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: epoch:1.0\n",
      "Package: pkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0 \u0000\n",
      "Package: pkg\nStatus: install ok installed\nArchitecture: AMD64&distro=x\nVersion: 1.0\n",
      "Package: pkg\nStatus: install ok installed\nArchitecture: amd64\n",
      entry("Source: Not_A_Name\n"),
      entry("Source: src (bad version!)\n"),
      `Package: pkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${"1".repeat(DPKG_STATUS_LIMITS.maxValueLength + 1)}\n`,
      "Package: pkg\nStatus: installed\nArchitecture: amd64\nVersion: 1.0\n",
      "Package: pkg\nArchitecture: amd64\nVersion: 1.0\n",
      "Status: install ok installed\nArchitecture: amd64\nVersion: 1.0\n",
    ];
    for (const text of bad) {
      const result = parseDpkgStatus(`${STATUS}\n${text}`);
      expect(result.problems.length, text).toBeGreaterThan(0);
      // A status with a problem lists no package at all: it is not trusted in part.
      expect(result.packages, text).toEqual([]);
    }
    expect(problemsOf(entry("Source: src (bad version!)\n"))[0]).toMatch(
      /ok-pkg has an invalid Source "src \(bad version!\)"/,
    );
    expect(problemsOf("Package: Evil\nStatus: install ok installed\n")[0]).toMatch(/invalid Package: "Evil"/);
  });

  it("refuses a broken structure: a line that is no field, a stray continuation, a field twice, a read field on two lines", () => {
    expect(problemsOf(`${STATUS}\nthis is not a field\n`)[0]).toMatch(
      /line \d+: not a field: "this is not a field"/,
    );
    expect(problemsOf(" continuation first\nPackage: a1\n")[0]).toMatch(
      /line 1: a continuation line with no field/,
    );
    expect(problemsOf("Package: aa\nPackage: bb\nStatus: install ok installed\n")[0]).toMatch(
      /Package given twice/,
    );
    expect(problemsOf("Package: aa\nVersion: 1.0\n 2.0\nStatus: install ok installed\n")[0]).toMatch(
      /version spans more than one line/,
    );
  });

  it("caps what an absurd status can cost: its size, its entries, its installed packages, its problems", () => {
    const huge = "x".repeat(DPKG_STATUS_LIMITS.maxBytes + 1);
    expect(problemsOf(huge)).toEqual(["dpkg's status is over 16 MiB"]);
    const entries = (count: number, status: string) =>
      Array.from(
        { length: count },
        (_, i) => `Package: p${i}\nStatus: ${status}\nArchitecture: amd64\nVersion: 1\n`,
      ).join("\n");
    expect(problemsOf(entries(DPKG_STATUS_LIMITS.maxParagraphs + 1, "purge ok not-installed"))).toEqual([
      `dpkg's status has over ${DPKG_STATUS_LIMITS.maxParagraphs} entries`,
    ]);
    expect(problemsOf(entries(DPKG_STATUS_LIMITS.maxPackages + 1, "install ok installed"))).toEqual([
      `dpkg's status lists over ${DPKG_STATUS_LIMITS.maxPackages} installed packages`,
    ]);
    const many = problemsOf("nonsense\n".repeat(100_000));
    expect(many).toHaveLength(DPKG_STATUS_LIMITS.maxProblems + 1);
    expect(many.at(-1)).toBe("and more problems in dpkg's status");
    expect(problemsOf(`${STATUS}\n${STATUS}`)).toContain("dpkg's status lists libc6:amd64 twice");
  });
});

describe("os-release", () => {
  it("reads ID and VERSION_ID, quoted or not, skipping comments", () => {
    expect(
      parseOsRelease(
        '# a comment\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_ID="12"\nID=debian\n',
      ),
    ).toEqual({ os: { id: "debian", versionId: "12" }, problems: [] });
    expect(parseOsRelease("ID='ubuntu'\nVERSION_ID=24.04\n").os).toEqual({
      id: "ubuntu",
      versionId: "24.04",
    });
    expect(parseOsRelease("ID=debian\nVERSION_CODENAME=trixie\n").os).toEqual({ id: "debian" });
    expect(parseOsRelease("")).toEqual({ problems: [] });
  });

  it("refuses values outside os-release's charsets", () => {
    expect(parseOsRelease('ID="debian/../x"\n').problems).toEqual([
      `its os-release has an invalid ID: "debian/../x"`,
    ]);
    expect(parseOsRelease('ID=debian\nVERSION_ID="12?arch=x"\n').problems).toHaveLength(1);
    expect(parseOsRelease(`ID=${"a".repeat(70_000)}`).problems[0]).toMatch(/over 64 KiB/);
  });
});

describe("the release check's output, read for the SBOM", () => {
  it("takes the prefixed dpkg status and os-release lines, and nothing else", () => {
    const prefixed = (prefix: string, text: string) =>
      text
        .split("\n")
        .map((line) => `${prefix}${line}`)
        .join("\n");
    const output = [
      "compiler:gcc",
      prefixed("dpkg-status:", STATUS),
      "installed:django==5.2",
      prefixed("os-release:", 'ID=debian\nVERSION_ID="12"'),
      "Package: injected-without-prefix",
    ].join("\n");
    const { system, problems } = readImageSystem(output);
    expect(problems).toEqual([]);
    expect(system.os).toEqual({ id: "debian", versionId: "12" });
    expect(system.packages.map((p) => p.name)).toEqual(["bsdutils", "libc6", "python3"]);
    expect(readImageSystem("compiler:gcc\n")).toEqual({ system: { packages: [] }, problems: [] });
  });
});

describe("purls", () => {
  it("writes deb purls as purl-spec's examples, the version percent-encoded, qualifiers sorted", () => {
    expect(debPurl("debian", "curl", "7.50.3-1", { distro: "jessie", arch: "i386" })).toBe(
      "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
    );
    expect(debPurl("ubuntu", "dpkg", "1.19.0.4", { arch: "amd64" })).toBe(
      "pkg:deb/ubuntu/dpkg@1.19.0.4?arch=amd64",
    );
    // The epoch's colon and a revision's plus, encoded as packageurl-js encodes them.
    expect(debPurl("debian", "attr", "1:2.4.47-2+b1", { arch: "amd64", distro: undefined })).toBe(
      "pkg:deb/debian/attr@1%3A2.4.47-2%2Bb1?arch=amd64",
    );
    expect(debPurl("Debian", "Attr", "1:2.4.47-2", { arch: "source" })).toBe(
      "pkg:deb/debian/attr@1%3A2.4.47-2?arch=source",
    );
    expect(debPurl("debian", "tilde", "1.0~rc1", {})).toBe("pkg:deb/debian/tilde@1.0~rc1");
    expect(pypiPurl("Zope.Interface", "1.0+local")).toBe("pkg:pypi/zope-interface@1.0%2Blocal");
  });
});
