"""The app's dynamic build requirements, kept by its build spec: recalled only when the build may
reuse them (app-only), and never across a change of pyproject.toml, setup.py or setup.cfg."""

from __future__ import annotations

from wheelwright_helper.requires_memo import RequiresMemo


def test_kept_answers_are_recalled_only_by_a_build_that_may_reuse_them(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "pyproject.toml").write_text('[build-system]\nrequires = ["setuptools"]\n')
    cache = str(tmp_path / "cache")
    RequiresMemo(cache, str(source), reuse=False).keep(["wheel", "cython>=3"])
    assert RequiresMemo(cache, str(source), reuse=True).recall() == ["cython>=3", "wheel"]
    assert RequiresMemo(cache, str(source), reuse=False).recall() is None


def test_a_change_to_any_spec_file_asks_the_backend_again(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "setup.py").write_text("from setuptools import setup\nsetup()\n")
    cache = str(tmp_path / "cache")
    RequiresMemo(cache, str(source), reuse=False).keep([])
    assert RequiresMemo(cache, str(source), reuse=True).recall() == []
    for name, text in (("setup.py", "setup(setup_requires=['x'])\n"), ("setup.cfg", "[options]\n"),
                       ("pyproject.toml", "[build-system]\n")):
        (source / name).write_text(text)
        assert RequiresMemo(cache, str(source), reuse=True).recall() is None, name
        RequiresMemo(cache, str(source), reuse=False).keep(["x"])
        assert RequiresMemo(cache, str(source), reuse=True).recall() == ["x"]
    # Other files (the app's code) do not decide the answer.
    (source / "module.py").write_text("X = 2\n")
    assert RequiresMemo(cache, str(source), reuse=True).recall() == ["x"]


def test_a_damaged_record_is_no_answer(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    cache = tmp_path / "cache"
    memo = RequiresMemo(str(cache), str(source), reuse=True)
    memo.keep(["a"])
    (record,) = (cache / "build-requires").iterdir()
    for text in ("not json", '{"a": 1}', "[1, 2]"):
        record.write_text(text)
        assert memo.recall() is None
