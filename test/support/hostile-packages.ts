// Hostile and greedy dependencies for the trust-boundary and fault tests (issue 8), as sdists in a
// find-links folder, each named by what its build step does in the builder. The archives are
// written here directly (node's tar): their setup.py never runs on the host, only in a builder.
// Every build step acts only where `/wheelwright/out` exists, so even a local-engine build of one
// of them touches nothing of the host's.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tar from "tar";

/** The wheel-named entries the planters leave in `out/deps` (the host must name one of them). */
export const PLANTED = {
  /** late-rewriter: symbolic links it plants after the report is written. */
  lateLinks: ["late_passwd-1.0-py3-none-any.whl", "late_findlinks-1.0-py3-none-any.whl"],
  /** late-rewriter: the report entries it adds (a `../` file name and a `../` folder). */
  lateEscapedFile: "../../../../tmp/late_escaped-1.0-py3-none-any.whl",
  /** symlink-planter: two symbolic links, a regular file and a hard link to it. */
  plantedLinks: [
    "planted_passwd-1.0-py3-none-any.whl",
    "planted_findlinks-1.0-py3-none-any.whl",
    "planted_original-1.0-py3-none-any.whl",
    "planted_hardlink-1.0-py3-none-any.whl",
  ],
  /** sparse-junk: a 2 GiB sparse file. */
  sparseFile: "sparse_blob-1.0-py3-none-any.whl",
  sparseBytes: 2 * 1024 ** 3,
  /** lying-record: the member whose RECORD hash lies. */
  lyingMember: "lying_record.py",
} as const;

/** Bytes memory-hog's setup.py allocates and touches. */
export const HOG_BYTES = 300 * 1024 * 1024;

interface Sdist {
  /** Project name (PEP 503 normalised, dashes). */
  name: string;
  /** setup.py's statements before `setup(...)`, or undefined for a backend-path project. */
  prelude?: string;
  /** Files besides setup.py / pyproject.toml / PKG-INFO (e.g. an in-tree backend). */
  files?: Record<string, string>;
  pyproject?: string;
  /** Text of the module `<name>.py` (default: a one-liner). */
  module?: string;
}

/** Only in a builder: nothing below runs where the handoff folder does not exist. */
const IN_BUILDER = 'import os\nIN_BUILDER = os.path.isdir("/wheelwright/out")\n';

function lateRewriter(findLinksFile: string): string {
  return `${IN_BUILDER}import json, sys, time

def _rewrite_later():
    # One daemon per builder, whichever setup.py run (metadata or build) comes first.
    try:
        os.close(os.open("/tmp/late-rewriter.daemon", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except OSError:
        return
    child = os.fork()
    if child:
        os.waitpid(child, 0)
        return
    # Double fork + setsid: out of pip's process group and session, reparented to the container's init.
    os.setsid()
    if os.fork():
        os._exit(0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, 65536)
    try:
        out = "/wheelwright/out"
        report = out + "/report.json"
        while not os.path.exists(report):
            time.sleep(0.0005)
        deps = out + "/deps"
        os.makedirs(deps, exist_ok=True)
        os.symlink("/etc/passwd", deps + "/${PLANTED.lateLinks[0]}")
        os.symlink(${JSON.stringify(findLinksFile)}, deps + "/${PLANTED.lateLinks[1]}")
        with open(report, encoding="utf-8") as handle:
            data = json.load(handle)
        entry = {"origin": "built", "sets": ["runtime"], "requires": []}
        data["wheels"].append(dict(entry, folder="deps", filename=${JSON.stringify(PLANTED.lateEscapedFile)}))
        data["wheels"].append(dict(entry, folder="../../.." + os.path.dirname(${JSON.stringify(findLinksFile)}),
                                   filename=os.path.basename(${JSON.stringify(findLinksFile)})))
        with open(out + "/.report.new", "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.rename(out + "/.report.new", report)
    finally:
        os._exit(0)

if IN_BUILDER:
    _rewrite_later()
`;
}

function symlinkPlanter(findLinksFile: string): string {
  const [passwd, findLinks, original, hardLink] = PLANTED.plantedLinks;
  return `${IN_BUILDER}
def _plant():
    deps = "/wheelwright/out/deps"
    os.makedirs(deps, exist_ok=True)
    steps = [
        lambda: os.symlink("/etc/passwd", deps + "/${passwd}"),
        lambda: os.symlink(${JSON.stringify(findLinksFile)}, deps + "/${findLinks}"),
        lambda: open(deps + "/${original}", "x").write("not a wheel"),
        lambda: os.link(deps + "/${original}", deps + "/${hardLink}"),
    ]
    for step in steps:
        try:
            step()
        except OSError:
            pass  # planted by an earlier run of this setup.py (metadata, then build)

if IN_BUILDER:
    _plant()
`;
}

const sparseJunk = `${IN_BUILDER}
if IN_BUILDER:
    os.makedirs("/wheelwright/out/deps", exist_ok=True)
    with open("/wheelwright/out/deps/${PLANTED.sparseFile}", "wb") as handle:
        handle.truncate(${PLANTED.sparseBytes})
`;

const memoryHog = `${IN_BUILDER}
if IN_BUILDER:
    # Allocated and written (a bytes repeat touches every page): resident, not just reserved.
    _hog = b"\\x01" * ${HOG_BYTES}
`;

/** A PEP 517 backend in the sdist itself (backend-path): a sound zip whose RECORD lies about one hash. */
const LYING_BACKEND = `import base64, hashlib, os, zipfile

NAME, VERSION = "lying_record", "1.0"
DIST_INFO = NAME + "-" + VERSION + ".dist-info"
METADATA = "Metadata-Version: 2.1\\nName: lying-record\\nVersion: 1.0\\n"
WHEEL = "Wheel-Version: 1.0\\nGenerator: lying_backend\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
MODULE = b'VALUE = "what the wheel holds"\\n'
CLAIMED = b'VALUE = "what RECORD claims"\\n'


def _digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    folder = os.path.join(metadata_directory, DIST_INFO)
    os.makedirs(folder)
    for name, text in (("METADATA", METADATA), ("WHEEL", WHEEL)):
        with open(os.path.join(folder, name), "w") as handle:
            handle.write(text)
    return DIST_INFO


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    filename = NAME + "-" + VERSION + "-py3-none-any.whl"
    members = [("${PLANTED.lyingMember}", MODULE), (DIST_INFO + "/METADATA", METADATA.encode()),
               (DIST_INFO + "/WHEEL", WHEEL.encode())]
    rows = ["%s,%s,%d" % (name, _digest(CLAIMED if name == "${PLANTED.lyingMember}" else data), len(data))
            for name, data in members]
    record = "\\n".join(rows + [DIST_INFO + "/RECORD,,"]) + "\\n"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as archive:
        for name, data in members + [(DIST_INFO + "/RECORD", record.encode())]:
            archive.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)
    return filename
`;

const SETUPTOOLS_PYPROJECT =
  '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n';

function sdists(findLinksFile: string): Sdist[] {
  return [
    { name: "late-rewriter", prelude: lateRewriter(findLinksFile) },
    { name: "symlink-planter", prelude: symlinkPlanter(findLinksFile) },
    { name: "sparse-junk", prelude: sparseJunk },
    { name: "memory-hog", prelude: memoryHog },
    {
      name: "lying-record",
      pyproject:
        '[build-system]\nrequires = []\nbuild-backend = "lying_backend"\nbackend-path = ["."]\n\n[project]\nname = "lying-record"\nversion = "1.0"\n',
      files: { "lying_backend.py": LYING_BACKEND },
    },
    // Honest, but its wheel is a few MiB of incompressible data: room for it is what a full disk lacks.
    {
      name: "bulky",
      prelude: "",
      module: `BLOB = ${JSON.stringify(randomBytes(3 * 1024 * 1024).toString("base64"))}\n`,
    },
  ];
}

function writeSdist(dir: string, spec: Sdist): void {
  const stem = `${spec.name.replace(/-/g, "_")}-1.0`;
  const work = mkdtempSync(path.join(tmpdir(), "wheelwright-hostile-"));
  try {
    const root = path.join(work, stem);
    mkdirSync(root);
    const module = spec.name.replace(/-/g, "_");
    const files: Record<string, string> = {
      "PKG-INFO": `Metadata-Version: 2.1\nName: ${spec.name}\nVersion: 1.0\n`,
      "pyproject.toml": spec.pyproject ?? SETUPTOOLS_PYPROJECT,
      ...(spec.prelude === undefined
        ? {}
        : {
            "setup.py": `${spec.prelude}\nfrom setuptools import setup\nsetup(name="${spec.name}", version="1.0", py_modules=["${module}"])\n`,
            [`${module}.py`]: spec.module ?? `NAME = "${spec.name}"\n`,
          }),
      ...spec.files,
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, name), text);
    tar.c({ gzip: true, sync: true, portable: true, cwd: work, file: path.join(dir, `${stem}.tar.gz`) }, [
      stem,
    ]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Makes `dir` (new) a find-links folder of the hostile sdists: late-rewriter, symlink-planter,
 * sparse-junk, memory-hog, lying-record, bulky. Their links point at `late_rewriter-1.0.tar.gz`
 * in this folder (mounted read-only in the builder): a file outside the output, as an attacker
 * would aim at.
 */
export function makeHostileIndex(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const target = path.join(dir, "late_rewriter-1.0.tar.gz");
  for (const spec of sdists(target)) writeSdist(dir, spec);
  return dir;
}
