// Virtual environments for tests that install a wheelhouse as a user would: made without a pip of
// their own (ensurepip costs about 10 s a venv on these machines) and installed into by the host's
// pip with --python (pip 22.3+). What the tests check is what pip installs, not the venv's own pip.

/** sh: makes `venv` without a pip of its own. */
export const makeVenv = (venv: string): string => `python3 -m venv --without-pip ${venv}`;

/** sh: the pip command that installs into `venv` (append `install ...`). */
export const pipInto = (venv: string): string =>
  `python3 -m pip --disable-pip-version-check --python ${venv}/bin/python`;
