// test, run, clean, all and init against the real engine.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execaSync } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, sh } from "../support/cli.js";
import { containersOf, engineOrSkip, ensureTestImages } from "../support/engine.js";
import { copyPolls, makeLocalIndex, makeProject } from "../support/fixtures.js";

describe.skipIf(engineOrSkip())("test, run and clean on examples/polls (real engine)", () => {
  let root: string;

  beforeAll(async () => {
    ensureTestImages();
    root = copyPolls();
  });

  it("test refuses a wheelhouse without the test extra, saying what to run", async () => {
    expect((await runCli(["build"], { cwd: root })).exitCode).toBe(0);
    const result = await runCli(["test"], { cwd: root });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/no wheels for the 'test' extra/);
    expect(result.stderr).toMatch(/wheelwright build test/);
  });

  it("test installs from the wheelhouse only and runs the tests against the installed wheel, with a JUnit report", async () => {
    expect((await runCli(["build", "test"], { cwd: root })).exitCode).toBe(0);
    // Outside the project: a report written into the source tree would change its fingerprint.
    const junit = path.join(mkdtempSync(path.join(tmpdir(), "wheelwright-junit-")), "junit.xml");
    const result = await runCli(["test", "--junit-xml", junit], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/4 passed/);
    expect(readFileSync(junit, "utf8")).toMatch(/<testsuite [^>]*tests="4"/);
    const where = await runCli(["test", "--", "python", "-c", "import polls; print(polls.__file__)"], {
      cwd: root,
    });
    expect(where.stdout).toMatch(/site-packages\/polls\/__init__.py/);
    expect(containersOf("wheelwright-examples/polls")).toEqual([]);
  });

  it("failing tests exit 8", async () => {
    writeFileSync(path.join(root, "tests", "test_fails.py"), "def test_fails():\n    assert 1 == 2\n");
    expect((await runCli(["build", "test"], { cwd: root })).exitCode).toBe(0);
    const result = await runCli(["test"], { cwd: root });
    expect(result.exitCode).toBe(8);
    expect(result.stdout).toMatch(/1 failed, 4 passed/);
    expect(result.stderr).toMatch(/The tests failed/);
    await sh("rm tests/test_fails.py", { cwd: root });
  });

  it("run runs a command in the release image, returns its exit code, and refuses a command the image lacks", async () => {
    expect((await runCli(["build", "test"], { cwd: root })).exitCode).toBe(0);
    expect((await runCli(["release"], { cwd: root })).exitCode).toBe(0);
    const ok = await runCli(["run", "--", "python", "-c", "import polls; print('imported')"], { cwd: root });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe("imported");
    expect((await runCli(["run", "id", "-u"], { cwd: root })).stdout.trim()).toBe("10001");
    expect((await runCli(["run", "--", "sh", "-c", "exit 42"], { cwd: root })).exitCode).toBe(42);
    const missing = await runCli(["run", "--", "no-such-command"], { cwd: root });
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toMatch(/'no-such-command' is not a command in the release image/);
    expect(containersOf("wheelwright-examples/polls")).toEqual([]);
  });

  it("clean removes the wheelhouse, the project's containers and dangling images, and nothing of another project", async () => {
    // Another project's dangling image and container, and a container of this project.
    const theirs = await sh(
      `printf 'FROM debian:bookworm-slim\\nLABEL m=${Date.now()}\\n' | docker build -q --label io.wheelwright.project=wwtest/neighbour -`,
      { env: { DOCKER_BUILDKIT: "0" } },
    );
    const neighbour = `ww-neighbour-${Date.now()}`;
    await sh(
      `docker create --name ${neighbour} --label io.wheelwright.project=wwtest/neighbour debian:bookworm-slim true`,
    );
    await sh(
      `docker create --name ww-polls-left-${Date.now()} --label io.wheelwright.project=wheelwright-examples/polls debian:bookworm-slim true`,
    );
    const mine = await sh(
      `printf 'FROM debian:bookworm-slim\\nLABEL m=${Date.now()}-mine\\n' | docker build -q --label io.wheelwright.project=wheelwright-examples/polls -`,
      { env: { DOCKER_BUILDKIT: "0" } },
    );
    const result = await runCli(["clean", "--all"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    for (const part of [
      /wheelhouse wheelhouse/,
      /result store/,
      /1 container\(s\)/,
      /\d+ dangling image\(s\)/,
      /cache volume wheelwright-cache-wheelwright-examples-polls/,
    ]) {
      expect(result.stdout).toMatch(part);
    }
    expect(existsSync(path.join(root, "wheelhouse"))).toBe(false);
    expect(containersOf("wheelwright-examples/polls")).toEqual([]);
    expect(execaSync("docker", ["image", "inspect", mine], { reject: false }).exitCode).not.toBe(0);
    expect(execaSync("docker", ["image", "inspect", theirs], { reject: false }).exitCode).toBe(0);
    expect(containersOf("wwtest/neighbour")).toContain(neighbour);
    // The release image is tagged, not dangling: clean keeps it.
    expect(
      execaSync("docker", ["image", "inspect", "wheelwright-examples/polls-release:latest"], {
        reject: false,
      }).exitCode,
    ).toBe(0);
    await sh(`docker rm ${neighbour} && docker image rm ${theirs}`);
  });
});

describe.skipIf(engineOrSkip())("all on examples/polls (real engine)", () => {
  it("builds the images, tests from the wheelhouse and builds a release image that runs the app", async () => {
    ensureTestImages();
    const root = copyPolls();
    const result = await runCli(["all"], { cwd: root });
    expect(result.exitCode, result.stderr.slice(-3000)).toBe(0);
    expect(result.stderr).toMatch(
      /wheelwright all: clean[\s\S]*image --all[\s\S]*build test[\s\S]*wheelwright all: test[\s\S]*release/,
    );
    expect(result.stdout).toMatch(/4 passed/);
    const run = await runCli(["run", "--", "python", "-c", "import polls; print('ok')"], { cwd: root });
    expect(run.stdout.trim()).toBe("ok");
  });
});

describe.skipIf(engineOrSkip())("init on a second project, then all (real engine)", () => {
  it("init scaffolds files that take the project through wheelwright all without edits", async () => {
    const index = makeLocalIndex();
    const root = makeProject({
      scenario: "initdemo",
      dependencies: ["tinydep", "cext"],
      optional: { test: ["pytest"] },
      git: "none",
    });
    // A project as a team has it: no wheelwright config, no docker folder.
    const pyproject = readFileSync(path.join(root, "pyproject.toml"), "utf8");
    writeFileSync(
      path.join(root, "pyproject.toml"),
      pyproject.slice(0, pyproject.indexOf("[tool.wheelwright]")),
    );
    await sh(
      `rm -rf docker && mkdir tests && printf 'import initdemo, cext\\n\\ndef test_value():\\n    assert initdemo.VALUE == 1 and cext.answer() == 42\\n' > tests/test_demo.py`,
      { cwd: root },
    );
    writeFileSync(path.join(root, "initdemo", "__main__.py"), "print('initdemo runs')\n");
    await sh("git init -q -b main && git add -A && git -c user.name=t -c user.email=t@t commit -qm demo", {
      cwd: root,
    });

    const init = await runCli(
      ["init", "--namespace", "wwtest", "--index-url", "file:///opt/pypi/simple", "--find-links", index],
      { cwd: root },
    );
    expect(init.exitCode, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/wrote wheelwright.toml\nwrote docker\/base\/Dockerfile/);
    expect(init.stdout).toMatch(/next: wheelwright all/);
    const config = readFileSync(path.join(root, "wheelwright.toml"), "utf8");
    expect(config).toContain('network = "host"');
    expect(config).toContain(`find-links = ["${index}"]`);
    const again = await runCli(["init"], { cwd: root });
    expect(again.exitCode).toBe(3);
    expect(again.stderr).toMatch(
      /Not overwriting existing files: wheelwright.toml, docker\/base\/Dockerfile/,
    );

    await sh("git add -A && git -c user.name=t -c user.email=t@t commit -qm init", { cwd: root });
    const all = await runCli(["all"], { cwd: root });
    expect(all.exitCode, all.stderr.slice(-3000)).toBe(0);
    expect(all.stdout).toMatch(/1 passed/);
    const sha = await sh("git rev-parse --short=12 HEAD", { cwd: root });
    expect(await sh(`docker run --rm --network none wwtest/initdemo-release:${sha}`)).toBe("initdemo runs");
    expect(await sh(`docker run --rm --network none wwtest/initdemo-release:${sha} id -u`)).toBe("10001");
  });
});
