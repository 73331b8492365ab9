"""wheelwright's default test runner where the test set has neither pytest nor Django's runner:
`python -m unittest` discovery from the source copy, with the application's own modules taken from
the installed wheel.

Plain `python -m unittest` on a flat layout imports the application's package from the source copy
(discovery walks every package in the folder and puts the folder first on sys.path), so the
installed wheel is never what gets tested, and wheelwright's check refuses the run. Here:
- the source copy goes last on sys.path (after site-packages), so `import app` in a test finds the
  wheel while a `tests` package stays importable by name;
- discovery from the source skips the application's own packages and modules;
- tests that live inside the application's packages are discovered in the installed copy.

Usage: python -m wheelwright_unittest [-v] [-p PATTERN]. No tests at all is not a failure (a
project may have none yet): it says so on stderr and exits 95, which `wheelwright test` reports as
"no tests found" (not as passed). When discovery found test modules but not one of them could be
imported (their test dependencies, pytest say, are not installed), no test ran: that is said, with
the modules missing, and the exit is 94, which `wheelwright test` reports as a test set that lacks
what the tests import (not as failed tests).
"""

import argparse
import importlib.util
import os
import re
import sys
import unittest

NO_TESTS_EXIT = 95  # src/plan/test-plan.ts NO_TESTS_FOUND
NOT_IMPORTED_EXIT = 94  # src/plan/test-plan.ts TESTS_NOT_IMPORTED
_NO_MODULE = re.compile(r"No module named '([^']+)'")


def _tests_of(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from _tests_of(item)
        else:
            yield item


def _failed_import(test):
    """(module, reason) for discovery's stand-in for a test module that could not be imported, else None."""
    if type(test).__name__ != "_FailedTest":  # unittest.loader._FailedTest
        return None
    exception = getattr(test, "_exception", None)
    text = str(exception) if exception is not None else ""
    if not text.startswith("Failed to import test module"):
        return None
    lines = [line for line in text.splitlines() if line.strip()]
    return test._testMethodName, (lines[-1].strip() if lines else "")


def _report_not_imported(failed):
    missing = sorted({m.group(1).split(".")[0] for _, reason in failed for m in [_NO_MODULE.search(reason)] if m})
    sys.stderr.write(
        "wheelwright: discovery found %d test module(s) and none could be imported, so no test ran%s\n"
        % (len(failed), "; missing: " + ", ".join(missing) if missing else "")
    )
    for module, reason in failed[:10]:
        sys.stderr.write("  %s: %s\n" % (module, reason))
    if len(failed) > 10:
        sys.stderr.write("  ... and %d more\n" % (len(failed) - 10))


def _app_modules():
    return sorted({n for n in os.environ.get("WHEELWRIGHT_APP_MODULES", "").split(",") if n})


def _holds_tests(folder, pattern):
    import fnmatch

    for _, _, files in os.walk(folder):
        if any(fnmatch.fnmatch(f, pattern) for f in files):
            return True
    return False


class SourceLoader(unittest.TestLoader):
    """Discovery from the source root that leaves the application's own modules to the installed copy."""

    def __init__(self, root, app):
        super().__init__()
        self._root = root
        self._app = set(app)

    def _find_test_path(self, full_path, pattern):
        if os.path.dirname(os.path.realpath(full_path)) == self._root:
            base = os.path.basename(full_path)
            if (base[:-3] if base.endswith(".py") else base) in self._app:
                return None, False
        return super()._find_test_path(full_path, pattern)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m wheelwright_unittest")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("-p", "--pattern", default="test*.py")
    options = parser.parse_args(argv)
    root = os.path.realpath(os.getcwd())
    app = _app_modules()
    # Last, not first: discover() puts its top-level folder first only when it is not on sys.path yet.
    if root not in sys.path:
        sys.path.append(root)
    suite = unittest.TestSuite()
    suite.addTests(SourceLoader(root, app).discover(root, pattern=options.pattern, top_level_dir=root))
    for name in app:
        spec = importlib.util.find_spec(name)
        folders = list(getattr(spec, "submodule_search_locations", None) or []) if spec else []
        for folder in folders:
            folder = os.path.realpath(folder)
            if folder.startswith(root + os.sep) or not os.path.isfile(os.path.join(folder, "__init__.py")):
                continue  # not the installed copy, or a namespace package discovery cannot start from
            if _holds_tests(folder, options.pattern):
                loader = unittest.TestLoader()
                suite.addTests(loader.discover(folder, pattern=options.pattern, top_level_dir=os.path.dirname(folder)))
    if suite.countTestCases() == 0:
        sys.stderr.write(
            "wheelwright: unittest discovery found no tests (pattern %s) in the source copy or in the installed "
            "application; if the tests run another way, set `test-command` in wheelwright.toml\n" % options.pattern
        )
        return NO_TESTS_EXIT
    tests = list(_tests_of(suite))
    failed = [f for f in (_failed_import(test) for test in tests) if f is not None]
    if len(failed) == len(tests):
        _report_not_imported(failed)
        return NOT_IMPORTED_EXIT
    result = unittest.TextTestRunner(verbosity=2 if options.verbose else 1).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
