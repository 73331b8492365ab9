"""The interpreter facts the report carries (issue 14): what the host judges the wheels' tags by."""

from __future__ import annotations

import platform
import sys
import sysconfig

from wheelwright_helper.interpreter import interpreter_facts


def test_facts_describe_this_interpreter():
    facts = interpreter_facts()
    assert facts["implementation"] == sys.implementation.name
    assert facts["version"] == list(sys.version_info[:2])
    assert facts["platform"] == sysconfig.get_platform()
    assert facts["cache_tag"] == sys.implementation.cache_tag
    if sys.implementation.name == "cpython":
        # The ABI tag wheels built here carry (pollstats-...-cp311-cp311-...): cpXY, maybe with a flag.
        assert facts["abi"].startswith("cp%d%d" % sys.version_info[:2])
    name, version = platform.libc_ver()
    assert facts["libc"] == ({"name": name, "version": version} if name else None)


def test_report_carries_the_facts(tmp_path):
    from wheelwright_helper.handoff import hand_off

    report = hand_off(str(tmp_path / "out"), str(tmp_path), "demo", [], [], [])
    assert report["interpreter"] == interpreter_facts()
