// Pure planning of `wheelwright test`: the app and its test set installed from the wheelhouse alone
// into a fresh virtual environment (as root; its data folder `var`, where Flask keeps an installed
// app's instance folder, is writable by the test user as /appenv/var is in the release: a sticky
// world-writable folder, since the builder has no capability to chown), then the
// test command run in a copy of the source as a non-root user, with the checks that the installed
// wheel is what gets imported.
import type { HelperPaths } from "./helper-session.js";

/** The script's exit code when pip cannot install from the wheelhouse alone. */
export const INSTALL_FAILED = 97;
/** wheelwright_testcheck's exit code: the tests imported the application from the source copy. */
export const SOURCE_IMPORTED = 96;
/** wheelwright_unittest's exit code: discovery found no tests (not a failure, not a pass either). */
export const NO_TESTS_FOUND = 95;
/** wheelwright_unittest's exit code: it found test modules, and none could be imported (no test ran). */
export const TESTS_NOT_IMPORTED = 94;
/** The user tests run as: the release image's app user (tests that expect a permission error pass). */
export const TEST_USER = "10001";

// The tests' user must write the source copy, the report folder and its home. The builder runs
// without capabilities (no CAP_CHOWN), so root cannot give them away; as their owner it can open
// their modes, which needs none. A failure here fails the run (no silent fallback). The venv's var/
// is where Flask puts an installed app's instance folder: sticky and writable by all, as in the release.
// The venv gets no pip of its own where the builder's pip can install into it (pip 22.3+): ensurepip
// cost each test run about 9 s. That pip runs under the venv's interpreter through the runner script
// it ships beside its sources, which is what its own --python does after a first start of pip that
// only re-runs it (about 0.5 s saved). An older pip gets a venv with its own pip, as before.
// No bytecode is compiled at install: the tests run with PYTHONDONTWRITEBYTECODE and compile what they import.
export const PREPARE_SCRIPT = `set -e
if runner=$(python3 -c 'import os, pip, sys
runner = os.path.join(os.path.dirname(pip.__file__), "__pip-runner__.py")
old = tuple(int(p) for p in pip.__version__.split(".")[:2]) < (22, 3)
sys.exit(1) if old or not os.path.isfile(runner) else print(runner)' 2>/dev/null); then
  python3 -m venv --without-pip "$WW_VENV"
  set -- "$WW_VENV/bin/python" "$runner"
else
  python3 -m venv "$WW_VENV"
  set -- "$WW_VENV/bin/pip"
fi
"$@" install -q --no-compile --no-index --disable-pip-version-check --find-links "$WW_WHEELS" $WW_PINS || exit ${INSTALL_FAILED}
install -d -m 1777 "$WW_VENV/var"
chmod -R a+rwX "$WW_SOURCE" "$WW_OUT" "$WW_HOME"`;

export interface TestPlanInputs {
  paths: Pick<HelperPaths, "source" | "out" | "home" | "bin"> & { wheels: string };
  /** `name==version` of the app and of every wheel of its test set. */
  pins: readonly string[];
  /** The test command (sh syntax); `{source}` becomes the source copy's path. */
  command: string;
  /** The app's top-level modules (the check that they come from the wheel). */
  appModules: readonly string[];
  junit: boolean;
  /** The container's PATH (docker exec replaces it when PATH is given). */
  basePath: string;
}

export interface TestExec {
  argv: string[];
  env: Record<string, string>;
  workdir: string;
  user?: string;
}

export interface TestPlan {
  prepare: TestExec;
  run: TestExec;
  testLine: string;
  /** The command as given, `{source}` unexpanded (hints quote it). */
  command: string;
}

export function planTestRun(inputs: TestPlanInputs): TestPlan {
  const { paths } = inputs;
  const root = paths.source.replace(/\/[^/]*$/, "");
  const venv = `${root}/venv`;
  const testLine = inputs.command.replaceAll("{source}", paths.source);
  const pytestOptions = [
    // append: the installed app (site-packages) comes before the source copy on sys.path, while
    // a tests package and its helpers stay importable by name.
    "--import-mode=append",
    "-p no:cacheprovider",
    ...(inputs.junit ? [`--junitxml=${paths.out}/junit.xml`] : []),
  ];
  return {
    testLine,
    command: inputs.command,
    prepare: {
      argv: ["sh", "-c", PREPARE_SCRIPT],
      env: {
        WW_VENV: venv,
        WW_WHEELS: paths.wheels,
        WW_PINS: inputs.pins.join(" "),
        WW_SOURCE: paths.source,
        WW_OUT: paths.out,
        WW_HOME: paths.home,
        PIP_CONFIG_FILE: "/dev/null",
      },
      workdir: root,
    },
    run: {
      argv: ["sh", "-c", testLine],
      env: {
        PATH: `${venv}/bin:${inputs.basePath}`,
        HOME: paths.home,
        // python -m pytest and manage.py must not put the source copy first on sys.path (3.11+).
        PYTHONSAFEPATH: "1",
        PYTHONDONTWRITEBYTECODE: "1",
        PYTHONPATH: `${paths.bin}/wheelwright_testcheck`,
        WHEELWRIGHT_SOURCE: paths.source,
        WHEELWRIGHT_APP_MODULES: inputs.appModules.join(","),
        PYTEST_ADDOPTS: pytestOptions.join(" "),
      },
      workdir: paths.source,
      user: TEST_USER,
    },
  };
}

/** What the default test command depends on in the project. */
export interface TestCommandFacts {
  hasPytest: boolean;
  /** Django: manage.py is in the source. */
  hasManagePy: boolean;
  /** The app's top-level modules, as its wheel installs them. */
  appModules: readonly string[];
  /** Whether the source has a top-level `tests` folder (tests outside the app's packages). */
  hasTestsFolder: boolean;
}

/**
 * The default test command: pytest when the test environment has it, Django's runner, or unittest
 * discovery (wheelwright_unittest: plain `python -m unittest` on a flat layout imports the app from
 * the source copy, which the source-import check then refuses).
 * Django's runner discovers a label that is a folder in the working directory from that folder,
 * and unittest then refuses the installed app ("'tests' module incorrectly imported from
 * site-packages"): so it runs from an empty folder, with the app's modules as labels (found in
 * site-packages) and the source's tests folder by its path.
 */
export function defaultTestCommand(facts: TestCommandFacts): string {
  if (facts.hasPytest) return "pytest";
  // unittest discovery that takes the app's own modules from the wheel (assets/wheelwright_testcheck).
  if (!facts.hasManagePy) return "python -m wheelwright_unittest";
  const labels = [...facts.appModules, ...(facts.hasTestsFolder ? ["{source}/tests"] : [])];
  return `cd "$(mktemp -d)" && python {source}/manage.py test ${labels.join(" ")}`;
}
