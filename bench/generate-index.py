"""Generates the scaling benchmark's local index: N small pure-Python wheels and a few sdists with
C extensions, and a project that depends on all of them. Usage: generate-index.py DIR N."""

import base64
import hashlib
import os
import subprocess
import sys
import zipfile

out, count = sys.argv[1], int(sys.argv[2])
project = os.path.join(out, "project")
index = os.path.join(project, "wheels")  # inside the project: the seed mounts only the source
os.makedirs(index, exist_ok=True)
os.makedirs(os.path.join(project, "scaleapp"), exist_ok=True)
C_EXTENSIONS = max(1, count // 50)


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def pure_wheel(name):
    files = {
        f"{name}/__init__.py": f"VALUE = {name!r}\n".encode(),
        f"{name}-1.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n".encode(),
        f"{name}-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: wheelwright-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "\n".join(record_line(n, d) for n, d in files.items()) + f"\n{name}-1.0.dist-info/RECORD,,\n"
    with zipfile.ZipFile(os.path.join(index, f"{name}-1.0-py3-none-any.whl"), "w") as archive:
        for n, d in files.items():
            archive.writestr(n, d)
        archive.writestr(f"{name}-1.0.dist-info/RECORD", record)


def c_sdist(name):
    src = os.path.join(out, "sdists", f"{name}-1.0")
    os.makedirs(src, exist_ok=True)
    with open(os.path.join(src, f"{name}.c"), "w") as handle:
        handle.write(f"""#include <Python.h>
static struct PyModuleDef d = {{PyModuleDef_HEAD_INIT, "{name}", 0, -1, 0}};
PyMODINIT_FUNC PyInit_{name}(void) {{ return PyModule_Create(&d); }}
""")
    with open(os.path.join(src, "setup.py"), "w") as handle:
        handle.write(f"from setuptools import Extension, setup\nsetup(name='{name}', version='1.0', ext_modules=[Extension('{name}', ['{name}.c'])])\n")
    with open(os.path.join(src, "MANIFEST.in"), "w") as handle:
        handle.write(f"include {name}.c\n")
    subprocess.run([sys.executable, "setup.py", "-q", "sdist", "-d", index], cwd=src, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


names = []
for i in range(count):
    if i < C_EXTENSIONS:
        name = f"benchc{i:03d}"
        c_sdist(name)
    else:
        name = f"benchpure{i:03d}"
        pure_wheel(name)
    names.append(name)

with open(os.path.join(project, "scaleapp", "__init__.py"), "w") as handle:
    handle.write("VALUE = 1\n")
with open(os.path.join(project, "pyproject.toml"), "w") as handle:
    deps = ", ".join(f'"{n}"' for n in names)
    handle.write(f"""[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "scaleapp"
version = "1.0"
dependencies = [{deps}]

[tool.setuptools]
packages = ["scaleapp"]
""")
with open(os.path.join(project, ".dockerignore"), "w") as handle:
    handle.write("wheels/\nwheelhouse/\ntarget/\n")
