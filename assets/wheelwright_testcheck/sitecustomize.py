"""wheelwright's check that the tests tested the installed wheel, not the source copy.

`wheelwright test` puts this folder on PYTHONPATH, so Python loads it (as sitecustomize) in every
process the test command starts. At exit it looks at the application's top-level modules in
sys.modules: one loaded from the source copy means the tests imported the source (a sys.path
entry a conftest or a runner added), not the wheel. It says so on stderr and exits 96, which
wheelwright reports as a failed test run with the module and the file named.
"""

import atexit
import os
import sys

SOURCE_IMPORT_EXIT = 96


def _locations(module):
    """The files and folders a module was loaded from (a namespace package has only folders)."""
    found = []
    if getattr(module, "__file__", None):
        found.append(module.__file__)
    found.extend(getattr(module, "__path__", None) or [])
    return found


def _check():
    source = os.environ.get("WHEELWRIGHT_SOURCE")
    names = [n for n in os.environ.get("WHEELWRIGHT_APP_MODULES", "").split(",") if n]
    if not source or not names:
        return
    prefix = os.path.realpath(source) + os.sep
    for name in names:
        module = sys.modules.get(name)
        if module is None:
            continue
        for location in _locations(module):
            if os.path.realpath(str(location)).startswith(prefix):
                sys.stderr.write(
                    "wheelwright: the tests imported %s from the source copy (%s), not from the installed wheel\n"
                    % (name, location)
                )
                sys.stderr.flush()
                os._exit(SOURCE_IMPORT_EXIT)


atexit.register(_check)
