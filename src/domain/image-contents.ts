// The one-off container that reads what a release image holds of Python (issue 13): its SBOM file
// and every distribution its Python reports installed (importlib.metadata: no pip needed in the
// image). A pure spec, so `push --dry-run` prints exactly the command `push` runs. No network; the
// output is printed between two marker lines named after the run, so that whatever else reaches
// the stream (a pull's progress) is never taken for it.
import type { OneOffSpec } from "./engine-commands.js";
import { LABEL_RUN } from "./labels.js";

export const RELEASE_SBOM_PATH = "/usr/share/wheelwright/sbom.cdx.json";

const SCRIPT = `
import json, sys, importlib.metadata as m
try:
    sbom = open(sys.argv[2], encoding="utf-8").read()
except FileNotFoundError:
    sbom = None
dists = sorted({(d.metadata["Name"] or "", d.version) for d in m.distributions()})
print(sys.argv[1])
print(json.dumps({"sbom": sbom, "distributions": [{"name": n, "version": v} for n, v in dists if n]}))
print(sys.argv[1])
`;

export function imageContentsMarker(runId: string): string {
  return `wheelwright-contents-${runId}`;
}

export function imageContentsSpec(image: string, runId: string): OneOffSpec {
  return {
    image,
    argv: ["-c", SCRIPT, imageContentsMarker(runId), RELEASE_SBOM_PATH],
    entrypoint: "python",
    labels: { [LABEL_RUN]: runId },
    network: "none",
  };
}
