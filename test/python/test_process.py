"""A failed process's tail (what an error shows): pip's notices that a file:// index has no page for
a project are left out of it, so the lines that say what went wrong stay within the tail."""

from __future__ import annotations

from wheelwright_helper.process import ProcessResult, tail_of

IGNORED = "WARNING: Location 'file:///opt/pypi-more/simple/%s/' is ignored: it is neither a file nor a directory."


def test_tail_leaves_out_ignored_index_locations():
    lines = ["Looking in indexes: file:///opt/pypi/simple, file:///opt/pypi-more/simple"]
    for name in ("django", "pymysql", "coverage"):
        lines += ["  " + IGNORED % name, "Processing %s" % name]
    lines += ["ERROR: No matching distribution found for coverage>=7"]
    result = ProcessResult(argv=["pip"], returncode=1, lines=lines)
    assert result.tail() == [lines[0], "Processing django", "Processing pymysql", "Processing coverage",
                             "ERROR: No matching distribution found for coverage>=7"]
    # The count is of the lines kept; the full output keeps every line.
    assert result.tail(2) == ["Processing coverage", "ERROR: No matching distribution found for coverage>=7"]
    assert len(result.lines) == 8


def test_tail_keeps_other_warnings():
    lines = ["WARNING: Retrying after connection broken", "WARNING: Location is fine"]
    assert ProcessResult(argv=["pip"], returncode=1, lines=lines).tail() == lines


def test_tail_of_any_lines():
    # What a backend failure's event carries (pep517.BackendFailure) is made the same way.
    lines = ["Looking in indexes: file:///opt/pypi/simple", "  " + IGNORED % "flit-core",
             "ERROR: No matching distribution found for flit_core<4"]
    assert tail_of(lines) == [lines[0], lines[2]]
