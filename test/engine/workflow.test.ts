// test, run and clean against the real engine, each test on its own copy of examples/polls.
// (`all` and `init`, the whole workflow, are exercised on the packed tool: test/e2e.)
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, sh } from "../support/cli.js";
import { containersOf, engineOrSkip, imageExists } from "../support/engine.js";
import { commitAll, copyPolls, projectOf } from "../support/fixtures.js";
import { RUN_LABEL, testRun } from "../support/test-run.js";

/** A fresh polls copy with the wheelhouse of the given sets. */
async function pollsBuilt(args: string[]): Promise<string> {
  const root = copyPolls();
  const build = await runCli(["build", ...args], { cwd: root });
  expect(build.exitCode, build.stderr).toBe(0);
  return root;
}

describe.skipIf(engineOrSkip())("test, run and clean on examples/polls (real engine)", () => {
  const polls = () => projectOf("polls");

  it("test refuses a wheelhouse without the test extra, saying what to run", async () => {
    const root = await pollsBuilt([]);
    const result = await runCli(["test"], { cwd: root });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/built without the test set \(extra:test/);
    expect(result.stderr).toMatch(/wheelwright build test/);
  });

  it("test installs from the wheelhouse only and runs the tests against the installed wheel, with a JUnit report", async () => {
    const root = await pollsBuilt(["test"]);
    // Outside the project: a report written into the source tree would change its fingerprint.
    const junit = path.join(mkdtempSync(path.join(testRun().tempRoot, "junit-")), "junit.xml");
    const result = await runCli(["test", "--junit-xml", junit], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/4 passed/);
    expect(readFileSync(junit, "utf8")).toMatch(/<testsuite [^>]*tests="4"/);
    const where = await runCli(["test", "--", "python", "-c", "import polls; print(polls.__file__)"], {
      cwd: root,
    });
    expect(where.stdout).toMatch(/site-packages\/polls\/__init__.py/);
    expect(containersOf(polls())).toEqual([]);
  });

  it("failing tests exit 8", async () => {
    const root = copyPolls();
    writeFileSync(path.join(root, "tests", "test_fails.py"), "def test_fails():\n    assert 1 == 2\n");
    expect((await runCli(["build", "test"], { cwd: root })).exitCode).toBe(0);
    const result = await runCli(["test"], { cwd: root });
    expect(result.exitCode).toBe(8);
    expect(result.stdout).toMatch(/1 failed, 4 passed/);
    expect(result.stderr).toMatch(/The tests failed/);
  });

  it("tests written for pytest with no test set found: exit 3, 'no test ran' and what is missing, never 'the tests failed'", async () => {
    // A trial of real projects (httpx, six): no test set is found, so pytest is never installed,
    // and unittest discovery finds test modules that all fail to import.
    const root = copyPolls();
    const setup = path.join(root, "setup.py");
    const withoutSet = readFileSync(setup, "utf8").replace(/extras_require=\{[^}]*\},\n/, "");
    expect(withoutSet, "the example's setup.py changed: update this test").not.toContain("extras_require");
    writeFileSync(setup, withoutSet);
    // A package, as in those projects: unittest discovery goes only into folders with __init__.py.
    writeFileSync(path.join(root, "tests", "__init__.py"), "");
    commitAll(root, "no test extra");
    expect((await runCli(["build"], { cwd: root })).exitCode).toBe(0);
    const result = await runCli(["test"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/no test set found: only its runtime wheels are installed/);
    expect(result.stderr).toMatch(/none could be imported, so no test ran; missing: pytest/);
    expect(result.stderr).toMatch(/No test ran: unittest discovery found test modules/);
    expect(result.stderr).toMatch(/hint: No test set was found/);
    expect(result.stderr).not.toMatch(/The tests failed/);
    expect(containersOf(polls())).toEqual([]);
  });

  it("run runs a command in the release image, returns its exit code, and refuses a command the image lacks", async () => {
    const root = await pollsBuilt(["test"]);
    expect((await runCli(["release"], { cwd: root })).exitCode).toBe(0);
    const ok = await runCli(["run", "--", "python", "-c", "import polls; print('imported')"], { cwd: root });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe("imported");
    expect((await runCli(["run", "id", "-u"], { cwd: root })).stdout.trim()).toBe("10001");
    expect((await runCli(["run", "--", "sh", "-c", "exit 42"], { cwd: root })).exitCode).toBe(42);
    const missing = await runCli(["run", "--", "no-such-command"], { cwd: root });
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toMatch(/'no-such-command' is not a command in the release image/);
    expect(containersOf(polls())).toEqual([]);
  });

  it("clean removes the wheelhouse, the project's containers and dangling images, and nothing of another project", async () => {
    const root = await pollsBuilt(["test"]);
    expect((await runCli(["release"], { cwd: root })).exitCode).toBe(0);
    const run = testRun();
    const neighbourProject = projectOf("neighbour");
    const label = `--label ${RUN_LABEL}=${run.id}`;
    // Another project's dangling image and container, and a container of this project.
    const theirs = await sh(
      `printf 'FROM ${run.baseImage}\\nLABEL m=${Date.now()}\\n' | docker build -q --label io.wheelwright.project=${neighbourProject} ${label} -`,
      { env: { DOCKER_BUILDKIT: "0" } },
    );
    const neighbour = `${run.namespace}-neighbour`;
    await sh(
      `docker create --name ${neighbour} --label io.wheelwright.project=${neighbourProject} ${label} ${run.baseImage} true`,
    );
    await sh(
      `docker create --name ${run.namespace}-polls-left --label io.wheelwright.project=${polls()} ${label} ${run.baseImage} true`,
    );
    const mine = await sh(
      `printf 'FROM ${run.baseImage}\\nLABEL m=${Date.now()}-mine\\n' | docker build -q --label io.wheelwright.project=${polls()} ${label} -`,
      { env: { DOCKER_BUILDKIT: "0" } },
    );
    const result = await runCli(["clean", "--all"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    const volume = `wheelwright-cache-${polls().replace(/\//g, "-")}`;
    for (const part of [
      /wheelhouse\/ \(\d+ files\)/,
      /result store/,
      /1 container\(s\)/,
      /\d+ dangling image\(s\)/,
    ]) {
      expect(result.stdout).toMatch(part);
    }
    expect(result.stdout).toContain(`cache volume ${volume}`);
    expect(existsSync(path.join(root, "wheelhouse"))).toBe(false);
    expect(containersOf(polls())).toEqual([]);
    expect(imageExists(mine)).toBe(false);
    expect(imageExists(theirs)).toBe(true);
    expect(containersOf(neighbourProject)).toContain(neighbour);
    // The release image is tagged, not dangling: clean keeps it.
    expect(imageExists(`${polls()}-release:latest`)).toBe(true);
    // What the test made itself goes now (the run's teardown would remove it, and warn about the container).
    await sh(`docker rm ${neighbour} && docker image rm ${theirs}`);
  });
});
