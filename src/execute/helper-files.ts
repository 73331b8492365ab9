// The builder helper (a small Python package, assets/wheelwright_helper) as this package ships it,
// and how it is started: `python -m wheelwright_helper build --request FILE` with the package's
// folder on PYTHONPATH. Nothing secret or user-chosen is in its argv.
import { fileURLToPath } from "node:url";

/** The folder holding the `wheelwright_helper` package. */
export const HELPER_PARENT = fileURLToPath(new URL("../../assets", import.meta.url));
export const HELPER_PACKAGE = "wheelwright_helper";
/** The folder `test` puts on PYTHONPATH: a sitecustomize that checks the tests imported the wheel. */
export const TESTCHECK_FOLDER = "wheelwright_testcheck";

export function helperArgv(python: string, requestFile: string): string[] {
  return [python, "-m", HELPER_PACKAGE, "build", "--request", requestFile];
}
