import subprocess
import sys

import pytest

import qstash


def test_every_public_name_resolves() -> None:
    for name in qstash.__all__:
        assert getattr(qstash, name) is not None, name


def test_exports_and_all_agree() -> None:
    assert sorted(qstash._EXPORTS) == sorted(n for n in qstash.__all__ if n != "__version__")


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        qstash.NoSuchThing  # noqa: B018


def test_import_is_lazy() -> None:
    code = "import sys, qstash; print('qstash_openapi' in sys.modules, 'attrs' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
