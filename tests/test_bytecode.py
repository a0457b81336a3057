"""The bytecode hint: real packages on disk, compiled or not."""

from __future__ import annotations

import compileall
import sys

import pytest

from mlskills import bytecode


@pytest.fixture
def package(tmp_path, monkeypatch):
    folder = tmp_path / "heavylib_for_test"
    folder.mkdir()
    (folder / "__init__.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield folder
    sys.modules.pop("heavylib_for_test", None)


def test_a_package_without_bytecode_is_named(package):
    assert bytecode.uncompiled(("heavylib_for_test", "no_such_module_here")) == [
        "heavylib_for_test"
    ]
    assert "heavylib_for_test" in bytecode.hint(("heavylib_for_test",))
    assert "heavylib_for_test" not in sys.modules  # finding it never imported it


def test_a_compiled_package_needs_no_hint(package):
    assert compileall.compile_dir(str(package), quiet=1)
    assert bytecode.uncompiled(("heavylib_for_test",)) == []
    assert bytecode.hint(("heavylib_for_test",)) is None
