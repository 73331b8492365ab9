"""Requirements files in the forms pip accepts.

Handled: comments, `\\` continuation lines, `${VAR}` expansion, `-r`/`--requirement` nesting (relative
to the including file; cycles refused), `-c`/`--constraint`, the index options (`-i`/`--index-url`,
`--extra-index-url`, `--no-index`, `-f`/`--find-links`) and `--pre`, `--prefer-binary`,
`--only-binary`, `--no-binary`, `--require-hashes`, `--trusted-host`; per-line `--hash` (pip-compile's
format); environment markers; `name @ url`; a wheel or sdist path or URL; `.` / `.[extra]` naming the
project itself. Refused with a reason: `-e`/`--editable` (an editable install is not a wheel), other
local folders, per-requirement build options, remote `-r` files, URLs carrying credentials.

A file with any `--hash` (or `--require-hashes`) follows pip's --require-hashes rule: every
requirement pinned with `==` and carrying a hash.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit
from urllib.request import pathname2url

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename

from .events import HelperError
from .pip_options import PipOptions
from .request import has_credentials

_COMMENT = re.compile(r"(^|\s+)#.*$")
_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)\}")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_SDIST_SUFFIXES = (".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz")


@dataclass
class RequirementLine:
    requirement: Requirement
    hashes: List[str]  # "sha256:<hex>"
    origin: str  # "requirements.txt:12"
    app_extras: Optional[List[str]] = None  # set when the line names the project itself (".[test]")


@dataclass
class RequirementsFile:
    path: str  # as the request named it
    requirements: List[RequirementLine] = field(default_factory=list)
    constraints: List[RequirementLine] = field(default_factory=list)
    options: PipOptions = field(default_factory=PipOptions)
    require_hashes: bool = False

    def allowed_hashes(self) -> Dict[str, List[str]]:
        table: Dict[str, List[str]] = {}
        for line in self.requirements:
            if line.hashes:
                table.setdefault(canonicalize_name(line.requirement.name), []).extend(line.hashes)
        return table


class _Problem(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def logical_lines(text: str) -> List[Tuple[int, str]]:
    """(first line number, line) after joining `\\` continuations and removing comments. A comment
    line ends a continuation, as in pip."""
    joined: List[Tuple[int, str]] = []
    pending: List[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        is_comment = line.lstrip().startswith("#")
        if line.endswith("\\") and not is_comment:
            if not pending:
                start = number
            pending.append(line[:-1])
            continue
        if pending:
            pending.append(" " + line if is_comment else line)
            joined.append((start, "".join(pending)))
            pending = []
        else:
            joined.append((number, line))
    if pending:
        joined.append((start, "".join(pending)))
    out = []
    for number, line in joined:
        line = _COMMENT.sub("", line).strip()
        if line:
            out.append((number, line))
    return out


def _expand(line: str, environ: Mapping[str, str]) -> str:
    return _VARIABLE.sub(lambda m: environ.get(m.group(1), m.group(0)), line)


def _split_options(line: str) -> Tuple[str, List[str]]:
    """A requirement line's requirement part and its trailing options (`--hash=...`)."""
    tokens = line.split(" ")
    for index, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(tokens[:index]).strip(), shlex.split(" ".join(tokens[index:]))
    return line, []


def _option_value(tokens: List[str], index: int, names: Tuple[str, ...]) -> Tuple[Optional[str], int]:
    """The value of the option at tokens[index] if it is one of `names` (`-r x`, `-rx`, `--requirement=x`)."""
    token = tokens[index]
    for name in names:
        if token == name:
            if index + 1 >= len(tokens):
                raise _Problem("%s needs a value" % name)
            return tokens[index + 1], index + 2
        if name.startswith("--") and token.startswith(name + "="):
            return token[len(name) + 1:], index + 1
        if not name.startswith("--") and token.startswith(name) and len(token) > len(name):
            return token[len(name):], index + 1
    return None, index


class RequirementsParser:
    """Parses one requested requirements file (and what it includes) for one build."""

    def __init__(self, source: str, environ: Mapping[str, str]) -> None:
        self.source = os.path.realpath(source)
        self.environ = environ

    def display(self, path: str) -> str:
        real = os.path.realpath(path)
        if real == self.source or real.startswith(self.source + os.sep):
            return os.path.relpath(real, self.source)
        return path

    def parse(self, relative_path: str) -> RequirementsFile:
        result = RequirementsFile(relative_path)
        self._read(os.path.join(self.source, relative_path), result, constraint=False, stack=[])
        self._check_hashes(result)
        return result

    def _read(self, path: str, result: RequirementsFile, constraint: bool, stack: List[str]) -> None:
        real = os.path.realpath(path)
        if real in stack:
            chain = " -> ".join(self.display(p) for p in stack + [real])
            raise HelperError("requirements", file=self.display(stack[-1]), line=None,
                              reason="the requirements files include each other: " + chain)
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as error:
            where = self.display(stack[-1]) if stack else result.path
            raise HelperError("requirements", file=where, line=None,
                              reason="cannot read %s: %s" % (self.display(path), error.strerror)) from None
        for number, line in logical_lines(text):
            try:
                self._line(_expand(line, self.environ), path, result, constraint, stack + [real], number)
            except _Problem as problem:
                raise HelperError("requirements", file=self.display(path), line=number,
                                  reason=problem.reason) from None

    def _line(self, line: str, path: str, result: RequirementsFile, constraint: bool, stack: List[str],
              number: int) -> None:
        if line.startswith("-"):
            self._options(shlex.split(line), path, result, constraint, stack)
            return
        text, options = _split_options(line)
        hashes: List[str] = []
        for token in options:
            if token.startswith("--hash="):
                hashes.append(token[len("--hash="):])
            elif token in ("--config-settings", "--global-option", "--install-option") or token.startswith(
                    ("--config-settings=", "--global-option=", "--install-option=", "-C")):
                raise _Problem("per-requirement build options (%s) are not supported: a wheelhouse is built "
                               "one way" % token.split("=")[0])
            elif token != "--hash":
                raise _Problem("unknown option %s after a requirement" % token)
        if "--hash" in options:
            raise _Problem("--hash needs the form --hash=algorithm:value")
        for value in hashes:
            algorithm, _, digest = value.partition(":")
            if algorithm != "sha256" or not re.fullmatch(r"[0-9a-f]{64}", digest):
                raise _Problem("a hash must be sha256:<64 hex digits>, not %r" % value)
        origin = "%s:%d" % (self.display(path), number)
        entry = self._requirement(text, origin)
        entry.hashes = hashes
        (result.constraints if constraint else result.requirements).append(entry)

    def _requirement(self, text: str, origin: str) -> RequirementLine:
        if _SCHEME.match(text) or text.startswith((".", "/")) or (os.sep in text.split(";")[0] and "@" not in text):
            return self._location(text, origin)
        try:
            requirement = Requirement(text)
        except InvalidRequirement as error:
            raise _Problem("not a valid requirement: %s" % error) from None
        if requirement.url and has_credentials(requirement.url):
            raise _Problem("a URL carries credentials; put them in the netrc file instead")
        return RequirementLine(requirement, [], origin)

    def _location(self, text: str, origin: str) -> RequirementLine:
        """A requirement given as a path or URL: `./dist/x-1.0.tar.gz`, `https://h/x-1.0-py3-none-any.whl`,
        `.[test]` (the project itself)."""
        location, _, marker = text.partition(" ;") if " ;" in text else text.partition("; ")
        location = location.strip()
        match = re.match(r"^(.*?)(\[[^\]]*\])?$", location)
        assert match is not None
        location, extras = match.group(1), match.group(2) or ""
        if _SCHEME.match(location):
            if has_credentials(location):
                raise _Problem("a URL carries credentials; put them in the netrc file instead")
            url = location
            filename = os.path.basename(urlsplit(location).path)
        else:
            # Relative paths are relative to the project (pip: to the folder pip runs in, the project).
            path = os.path.realpath(os.path.join(self.source, location))
            if path == self.source:
                names = [e.strip() for e in extras.strip("[]").split(",") if e.strip()]
                requirement = Requirement("project-itself" + (";" + marker if marker else ""))
                return RequirementLine(requirement, [], origin, app_extras=names)
            if os.path.isdir(path):
                raise _Problem("a local project folder (%s) is not supported: build it as its own project, "
                               "or name its sdist or wheel" % location)
            if not os.path.isfile(path):
                raise _Problem("no such file: %s" % location)
            url = "file://" + pathname2url(path)
            filename = os.path.basename(path)
        name = _name_from_filename(filename)
        if name is None:
            raise _Problem("cannot tell the project name of %s: write it as `name @ %s`" % (location, location))
        spec = "%s%s @ %s" % (name, extras, url) + (" ; " + marker if marker else "")
        try:
            return RequirementLine(Requirement(spec), [], origin)
        except InvalidRequirement as error:
            raise _Problem("not a valid requirement: %s" % error) from None

    def _options(self, tokens: List[str], path: str, result: RequirementsFile, constraint: bool,
                 stack: List[str]) -> None:
        options = result.options
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token in ("-e", "--editable") or token.startswith(("--editable=", "-e")):
                raise _Problem("an editable requirement (-e) cannot be a wheel in a wheelhouse; list the "
                               "project itself as `.` or build it as its own project")
            for names, kind in ((("-r", "--requirement"), "r"), (("-c", "--constraint"), "c")):
                value, after = _option_value(tokens, index, names)
                if value is not None:
                    if _SCHEME.match(value):
                        raise _Problem("a remote requirements file (%s) is not supported" % names[-1])
                    nested = os.path.join(os.path.dirname(path), value)
                    self._read(nested, result, constraint or kind == "c", stack)
                    index = after
                    break
            else:
                index = self._index_option(tokens, index, path, options, result)

    def _index_option(self, tokens: List[str], index: int, path: str, options: PipOptions,
                      result: RequirementsFile) -> int:
        token = tokens[index]
        flags = {"--no-index": "no_index", "--pre": "pre", "--prefer-binary": "prefer_binary"}
        if token in flags:
            setattr(options, flags[token], True)
            return index + 1
        if token == "--require-hashes":
            result.require_hashes = True
            return index + 1
        if token.startswith("--use-feature"):
            return index + (1 if "=" in token else 2)
        for names, attribute in ((("-i", "--index-url"), "index_url"), (("--extra-index-url",), "extra_index_urls"),
                                 (("-f", "--find-links"), "find_links"), (("--only-binary",), "only_binary"),
                                 (("--no-binary",), "no_binary"), (("--trusted-host",), "trusted_hosts")):
            value, after = _option_value(tokens, index, names)
            if value is None:
                continue
            if attribute in ("index_url", "extra_index_urls", "find_links") and _SCHEME.match(value) \
                    and has_credentials(value):
                raise _Problem("%s carries credentials; put them in the netrc file instead" % names[-1])
            if attribute == "find_links" and not _SCHEME.match(value):
                # As pip does: a relative find-links folder that exists beside the file is taken from there.
                beside = os.path.join(os.path.dirname(os.path.abspath(path)), value)
                value = beside if os.path.exists(beside) else os.path.join(self.source, value)
            if attribute == "index_url":
                options.index_url = value
            else:
                current = getattr(options, attribute)
                if value not in current:
                    current.append(value)
            return after
        raise _Problem("unknown or unsupported option %s" % token)

    def _check_hashes(self, result: RequirementsFile) -> None:
        hashed = result.require_hashes or any(line.hashes for line in result.requirements)
        if not hashed:
            return
        result.require_hashes = True
        for line in result.requirements:
            if line.app_extras is not None:
                continue
            file, _, number = line.origin.rpartition(":")
            pinned = line.requirement.url is not None or _is_pinned(line.requirement)
            if not pinned:
                raise HelperError("requirements", file=file, line=int(number),
                                  reason="%s is not pinned with ==: in a hash-pinned file every requirement "
                                         "must be (pip's --require-hashes rule)" % line.requirement)
            if not line.hashes:
                raise HelperError("requirements", file=file, line=int(number),
                                  reason="%s has no --hash: in a hash-pinned file every requirement needs "
                                         "one (pip's --require-hashes rule)" % line.requirement.name)


def _is_pinned(requirement: Requirement) -> bool:
    specs = list(requirement.specifier)
    return len(specs) == 1 and specs[0].operator in ("==", "===") and not specs[0].version.endswith(".*")


def pinned_version(requirement: Requirement) -> Optional[str]:
    return list(requirement.specifier)[0].version if _is_pinned(requirement) else None


def _name_from_filename(filename: str) -> Optional[str]:
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[0])
        if filename.endswith(_SDIST_SUFFIXES):
            if filename.endswith((".tar.gz", ".zip")):
                return str(parse_sdist_filename(filename)[0])
            return filename.rsplit("-", 1)[0]
    except ValueError:
        return None
    return None
