"""The check before the handoff (valid wheels, satisfied sets, unneeded wheels left out) and the
report, written last."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from wheelwright_helper.events import HelperError
from wheelwright_helper.handoff import Candidate, check_sets, hand_off, host_file_hint, on_host


def wheel(folder: Path, name: str, version: str, requires=(), metadata_name=None) -> Path:
    path = folder / ("%s-%s-py3-none-any.whl" % (name, version))
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["Metadata-Version: 2.1", "Name: %s" % (metadata_name or name), "Version: %s" % version]
    lines += ["Requires-Dist: %s" % r for r in requires]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("%s/__init__.py" % name, "")
        archive.writestr("%s-%s.dist-info/METADATA" % (name, version), "\n".join(lines) + "\n")
    return path


@pytest.fixture
def work(tmp_path):
    app = Candidate(str(wheel(tmp_path / "app", "demo", "0.1.0", ["django>=4", 'pytest; extra == "test"'])),
                    "app", "built")
    deps = [Candidate(str(wheel(tmp_path / "deps", "django", "5.0", ["asgiref"])), "deps", "fetched"),
            Candidate(str(wheel(tmp_path / "deps", "asgiref", "3.8")), "deps", "fetched"),
            Candidate(str(wheel(tmp_path / "deps", "pytest", "8.0")), "deps", "fetched"),
            Candidate(str(wheel(tmp_path / "deps", "setuptools", "70.0")), "deps", "built")]
    return tmp_path, [app] + deps


def test_sets_are_marked_and_unneeded_wheels_dropped(work):
    _tmp, candidates = work
    sets = {"runtime": [Requirement("django>=4")], "extra:test": [Requirement("pytest")]}
    kept = check_sets("demo", candidates, sets, {"python_version": "3.11", "sys_platform": "linux"})
    by_file = {c.filename.split("-")[0]: c.sets for c in kept}
    assert by_file == {"demo": ["runtime"], "django": ["runtime"], "asgiref": ["runtime"], "pytest": ["extra:test"]}


def test_an_unsatisfied_requirement_is_named(work):
    _tmp, candidates = work
    with pytest.raises(HelperError) as caught:
        check_sets("demo", candidates, {"runtime": [Requirement("django>=6")]}, None)
    assert caught.value.error == "unsatisfied" and caught.value.exit_code == 24
    assert caught.value.fields["missing"] == [
        {"set": "runtime", "requirement": "django>=6", "found": "5.0", "needed_by": None}]


def test_invalid_wheels_are_refused(work):
    tmp, candidates = work
    broken = tmp / "deps" / "broken-1.0-py3-none-any.whl"
    broken.write_bytes(b"not a zip")
    liar = wheel(tmp / "deps", "liar", "1.0", metadata_name="someone-else")
    for path, reason in ((broken, "BadZipFile"), (liar, "METADATA says someone-else")):
        with pytest.raises(HelperError) as caught:
            check_sets("demo", candidates + [Candidate(str(path), "deps", "built")], {}, None)
        assert caught.value.error == "invalid-wheel" and caught.value.fields["file"] == path.name
        assert reason in caught.value.fields["reason"]


def test_handoff_moves_wheels_and_writes_the_report_last(work):
    tmp, candidates = work
    kept = check_sets("demo", candidates, {"runtime": [Requirement("django")]}, None)
    out = tmp / "out"
    out.mkdir()
    report = hand_off(str(out), str(tmp), "demo", ["test"], ["dev"], kept)
    assert sorted(p.name for p in out.iterdir()) == ["app", "deps", "report.json"]
    assert [p.name for p in (out / "app").iterdir()] == ["demo-0.1.0-py3-none-any.whl"]
    assert sorted(p.name for p in (out / "deps").iterdir()) == ["asgiref-3.8-py3-none-any.whl",
                                                                 "django-5.0-py3-none-any.whl"]
    written = json.loads((out / "report.json").read_text())
    assert written == report
    assert written["version"] == 1 and written["app"] == "demo"
    assert written["extras"] == ["test"] and written["groups"] == ["dev"]
    assert set(written["environment"]) >= {"python_version", "sys_platform", "platform_machine"}
    assert [set(w) for w in written["wheels"]] == [{"filename", "folder", "origin", "sets", "requires"}] * 3
    assert {w["filename"]: w["origin"] for w in written["wheels"]}["demo-0.1.0-py3-none-any.whl"] == "built"


def test_a_wheel_the_host_holds_byte_for_byte_is_listed_as_held_not_handed_over(work):
    import hashlib

    tmp, candidates = work
    kept = check_sets("demo", candidates, {"runtime": [Requirement("django")]}, None)
    by_name = {c.filename: c for c in kept}
    django = "django-5.0-py3-none-any.whl"
    asgiref = "asgiref-3.8-py3-none-any.whl"
    django_sha = hashlib.sha256(Path(by_name[django].path).read_bytes()).hexdigest()
    # The host holds django's very bytes, and other bytes under asgiref's name.
    host = {django: django_sha, asgiref: "0" * 64}
    out = tmp / "out"
    out.mkdir()
    report = hand_off(str(out), str(tmp), "demo", [], [], kept, host)
    assert sorted(p.name for p in (out / "deps").iterdir()) == [asgiref]
    entries = {w["filename"]: w for w in report["wheels"]}
    assert entries[django]["held"] == django_sha
    assert "held" not in entries[asgiref] and "held" not in entries["demo-0.1.0-py3-none-any.whl"]
    assert entries[django]["sets"] == ["runtime"] and entries[django]["folder"] == "deps"


def test_the_request_names_held_wheels_by_plain_file_name_and_sha256():
    from wheelwright_helper.events import HelperError
    from wheelwright_helper.request import parse_request

    base = {"version": 1, "source": "/s", "out": "/o", "work": "/w", "cache": "/c"}
    entry = {"filename": "six-1.0-py3-none-any.whl", "sha256": "c" * 64}
    assert parse_request({**base, "hostWheels": [entry]}).host_wheels == {entry["filename"]: "c" * 64}
    assert parse_request(base).host_wheels == {}
    for bad in ({**entry, "filename": "../x.whl"}, {**entry, "sha256": "nope"}, {**entry, "filename": "x.tar.gz"},
                {"filename": "six-1.0-py3-none-any.whl"}):
        with pytest.raises(HelperError):
            parse_request({**base, "hostWheels": [bad]})
    with pytest.raises(HelperError):
        parse_request({**base, "hostWheels": {"a": "b"}})


def test_a_known_sha256_decides_held_without_hashing_again(work):
    tmp, candidates = work
    kept = check_sets("demo", candidates, {"runtime": [Requirement("django")]}, None)
    django = next(c for c in kept if c.filename.startswith("django-"))
    django.sha256 = "a" * 64  # as fetched: pip's report said so, the fetch checked it
    out = tmp / "out"
    out.mkdir()
    report = hand_off(str(out), str(tmp), "demo", [], [], kept, {django.filename: "a" * 64})
    assert {w["filename"]: w.get("held") for w in report["wheels"]}[django.filename] == "a" * 64
    assert django.filename not in [p.name for p in (out / "deps").iterdir()]


def test_a_fetched_wheel_from_a_folder_the_host_reads_is_named_by_its_path(work):
    tmp, candidates = work
    kept = check_sets("demo", candidates, {"runtime": [Requirement("django")]}, None)
    by_name = {c.filename.split("-")[0]: c for c in kept}
    index = tmp / "index"
    by_name["django"].source = str(index / "files" / by_name["django"].filename)
    by_name["asgiref"].source = str(tmp / "elsewhere" / by_name["asgiref"].filename)
    by_name["demo"].source = str(index / by_name["demo"].filename)  # built, not fetched: handed over
    out = tmp / "out"
    out.mkdir()
    report = hand_off(str(out), str(tmp), "demo", [], [], kept, {}, [str(index)])
    entries = {w["filename"].split("-")[0]: w for w in report["wheels"]}
    assert entries["django"]["at"] == by_name["django"].source
    assert "at" not in entries["asgiref"] and "at" not in entries["demo"]
    assert sorted(p.name for p in (out / "deps").iterdir()) == [by_name["asgiref"].filename]
    # A folder whose name only starts like the index's is another folder.
    by_name["asgiref"].source = str(tmp / "index-other" / by_name["asgiref"].filename)
    assert on_host(by_name["asgiref"], [str(index)]) is None


def test_a_fetched_host_file_is_hinted_at_unless_held_or_elsewhere(tmp_path):
    index = str(tmp_path / "index")
    name = "tinydep-1.0-py3-none-any.whl"
    source = "%s/files/%s" % (index, name)
    assert host_file_hint(source, "a" * 64, [index], {}) == source
    assert host_file_hint("%s/files/../files/%s" % (index, name), None, [index], {}) == source  # normalised
    assert host_file_hint(source, "a" * 64, [index], {name: "a" * 64}) is None  # held: listed so
    assert host_file_hint(source, None, [index], {name: "a" * 64}) is None  # held, most likely
    assert host_file_hint(source, "b" * 64, [index], {name: "a" * 64}) == source  # other bytes: at its path
    assert host_file_hint(source, None, [], {}) is None  # no folder offered
    assert host_file_hint(str(tmp_path / "index-other" / name), None, [index], {}) is None
    assert host_file_hint(None, None, [index], {}) is None  # fetched from a remote index


def test_the_request_names_host_folders_as_absolute_normalised_paths():
    from wheelwright_helper.events import HelperError
    from wheelwright_helper.request import parse_request

    base = {"version": 1, "source": "/s", "out": "/o", "work": "/w", "cache": "/c"}
    assert parse_request({**base, "hostFolders": ["/opt/pypi"]}).host_folders == ["/opt/pypi"]
    assert parse_request(base).host_folders == []
    for bad in (["relative"], ["/opt/../etc"], ["/opt/pypi/"], [1]):
        with pytest.raises(HelperError):
            parse_request({**base, "hostFolders": bad})
