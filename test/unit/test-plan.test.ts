import { describe, expect, it } from "vitest";
import { defaultTestCommand, planTestRun } from "../../src/plan/test-plan.js";

const facts = {
  hasPytest: false,
  hasManagePy: false,
  appModules: ["mysite", "greetings"],
  hasTestsFolder: false,
};

describe("the default test command", () => {
  it("is pytest when the test set has it, else unittest", () => {
    expect(defaultTestCommand({ ...facts, hasPytest: true, hasManagePy: true })).toBe("pytest");
    expect(defaultTestCommand(facts)).toBe("python -m wheelwright_unittest");
  });

  it("runs Django's runner from an empty folder, the app's modules as labels, the tests folder by path", () => {
    expect(defaultTestCommand({ ...facts, hasManagePy: true })).toBe(
      'cd "$(mktemp -d)" && python {source}/manage.py test mysite greetings',
    );
    expect(defaultTestCommand({ ...facts, hasManagePy: true, hasTestsFolder: true })).toMatch(
      / test mysite greetings \{source\}\/tests$/,
    );
  });
});

describe("the test environment", () => {
  it("lets the test user write the venv's data folder (Flask's instance folder of an installed app)", () => {
    const plan = planTestRun({
      paths: { source: "/w/src", out: "/w/out", home: "/w/home", bin: "/w/bin", wheels: "/w/wheels" },
      pins: ["demo==1.0"],
      command: "python {source}/manage.py test",
      appModules: ["demo"],
      junit: false,
      basePath: "/usr/bin:/bin",
    });
    expect(plan.prepare.argv[2]).toContain('install -d -m 1777 "$WW_VENV/var"');
    // chown needs CAP_CHOWN, which the confined container lacks: the copy, out and home are opened by mode.
    expect(plan.prepare.argv[2]).not.toMatch(/chown/);
    expect(plan.prepare.argv[2]).toContain('chmod -R a+rwX "$WW_SOURCE" "$WW_OUT" "$WW_HOME"');
    expect(plan.testLine).toBe("python /w/src/manage.py test");
  });
});

describe("the hint for a test script run by path", () => {
  it("names PYTHONSAFEPATH and the script's folder", async () => {
    const { scriptHint } = await import("../../src/workflows/run-tests.js");
    expect(scriptHint("python {source}/tests/manage.py test")).toMatch(
      /PYTHONSAFEPATH=1.*\(\{source\}\/tests\).*PYTHONPATH="\$PYTHONPATH:\{source\}\/tests"/,
    );
    expect(scriptHint("python tests/runtests.py -v")).toMatch(/PYTHONPATH="\$PYTHONPATH:\{source\}\/tests"/);
    expect(scriptHint("python '/srv/app/tests/manage.py' check")).toMatch(
      /PYTHONPATH="\$PYTHONPATH:\/srv\/app\/tests"/,
    );
    expect(scriptHint("sh -c 'cd tests && python manage.py check'")).toMatch(
      /PYTHONPATH="\$PYTHONPATH:\$PWD"/,
    );
    expect(scriptHint("pytest -x")).toBeUndefined();
    expect(scriptHint("python -m unittest")).toBeUndefined();
  });
});
