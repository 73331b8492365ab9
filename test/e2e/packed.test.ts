// The packed tool as a user gets it: the tarball `npm pack` makes, installed into a temporary
// prefix, run through its bin. Then the whole workflow on a fixture project that has never seen
// wheelwright: init, all, run, and push to a registry on 127.0.0.1.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, sh } from "../support/cli.js";
import { engineOrSkip } from "../support/engine.js";
import { commitAll, git, makeLocalIndex, makeProject } from "../support/fixtures.js";
import { type PackedTool, packedTool } from "../support/packed.js";
import { type Registry, startRegistry } from "../support/registry.js";
import { REPO_ROOT } from "../support/run-facts.js";
import { testRun } from "../support/test-run.js";

let tool: PackedTool;

/** Runs the installed `wheelwright` (not the checkout's dist/). */
async function wheelwright(args: string[], cwd: string) {
  const result = await execa(tool.bin, args, {
    cwd,
    env: cliEnv(),
    extendEnv: false,
    reject: false,
    stdin: "ignore",
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe.skipIf(engineOrSkip())("the packed tool, installed into a prefix", () => {
  beforeAll(async () => {
    tool = await packedTool();
  });

  it("is the tarball's package: its version, its commands, its files and nothing else", async () => {
    expect(path.basename(tool.tarball)).toMatch(/^wheelwright-\d+\.\d+\.\d+\.tgz$/);
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    const shown = await wheelwright(["--version"], testRun().tempRoot);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout.trim()).toBe(version);
    const help = await wheelwright(["--help"], testRun().tempRoot);
    for (const command of [
      "image",
      "build",
      "test",
      "release",
      "run",
      "push",
      "clean",
      "all",
      "init",
      "info",
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    }
    // The Python helper the builder runs ships with it; the sources and tests do not.
    expect(existsSync(path.join(tool.packageDir, "assets", "wheelwright_helper", "__main__.py"))).toBe(true);
    expect(existsSync(path.join(tool.packageDir, "dist", "cli", "entry.js"))).toBe(true);
    for (const absent of ["src", "test", "examples", "node_modules/vitest"]) {
      expect(existsSync(path.join(tool.packageDir, absent)), absent).toBe(false);
    }
  });

  describe("init, all, run and push on a project that has never seen wheelwright", () => {
    let registry: Registry;
    beforeAll(async () => {
      registry = await startRegistry();
    });
    afterAll(async () => {
      await registry?.stop();
    });

    it("init scaffolds files that take the project through all, run and push without edits", async () => {
      const index = makeLocalIndex();
      const root = makeProject({
        scenario: "e2e-app",
        dependencies: ["tinydep", "cext"],
        optional: { test: ["pytest"] },
        git: "none",
      });
      // A project as a team has it: no wheelwright config, no docker folder; tests and a __main__.
      const pyproject = readFileSync(path.join(root, "pyproject.toml"), "utf8");
      writeFileSync(
        path.join(root, "pyproject.toml"),
        pyproject.slice(0, pyproject.indexOf("[tool.wheelwright]")),
      );
      rmSync(path.join(root, "docker"), { recursive: true });
      await sh(
        `mkdir tests && printf 'import e2e_app, cext\\n\\ndef test_value():\\n    assert e2e_app.VALUE == 1 and cext.answer() == 42\\n' > tests/test_app.py`,
        { cwd: root },
      );
      writeFileSync(path.join(root, "e2e_app", "__main__.py"), "print('e2e-app runs')\n");
      git(root, "init", "-q", "-b", "main");
      commitAll(root, "app");

      const namespace = `${registry.address}/${testRun().namespace}`;
      const init = await wheelwright(
        ["init", "--namespace", namespace, "--index-url", "file:///opt/pypi/simple", "--find-links", index],
        root,
      );
      expect(init.exitCode, init.stderr).toBe(0);
      expect(init.stdout).toMatch(/wrote wheelwright.toml\nwrote docker\/base\/Dockerfile/);
      expect(init.stdout).toMatch(/next: commit, then `wheelwright all`/);
      const config = readFileSync(path.join(root, "wheelwright.toml"), "utf8");
      expect(config).toContain('network = "host"');
      expect(config).toContain(`find-links = ["${index}"]`);
      const again = await wheelwright(["init"], root);
      expect(again.exitCode).toBe(3);
      expect(again.stderr).toMatch(
        /Not overwriting existing files: wheelwright.toml, docker\/base\/Dockerfile/,
      );

      commitAll(root, "init");
      const sha = git(root, "rev-parse", "--short=12", "HEAD");
      const all = await wheelwright(["all"], root);
      expect(all.exitCode, all.stderr.slice(-3000)).toBe(0);
      expect(all.stderr).toMatch(
        /wheelwright all: clean[\s\S]*image --all[\s\S]*build test[\s\S]*test[\s\S]*release/,
      );
      expect(all.stdout).toMatch(/1 passed/);

      const run = await wheelwright(["run", "--", "python", "-m", "e2e_app"], root);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stdout.trim()).toBe("e2e-app runs");
      expect((await wheelwright(["run", "id", "-u"], root)).stdout.trim()).toBe("10001");

      const push = await wheelwright(["push"], root);
      expect(push.exitCode, push.stderr).toBe(0);
      const repository = `${testRun().namespace}/e2e-app-release`;
      // Besides the references, one line says where the release image's provenance went.
      const pushed = push.stdout
        .trim()
        .split("\n")
        .filter((line) => !line.startsWith("provenance: "));
      expect(pushed.map((line) => line.split("@")[0]).sort()).toEqual(
        [`${namespace}/e2e-app-release:${sha}`, `${namespace}/e2e-app-release:latest`].sort(),
      );
      // The registry itself holds the digest the tool printed.
      const digest = pushed[0]!.split("@")[1];
      const manifest = await fetch(`http://${registry.address}/v2/${repository}/manifests/${sha}`, {
        method: "HEAD",
        headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" },
      });
      expect(manifest.status).toBe(200);
      expect(manifest.headers.get("docker-content-digest")).toBe(digest);
    });
  });
});
