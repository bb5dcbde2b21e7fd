import os
import subprocess
import sys
from pathlib import Path

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


def test_importing_the_clients_leaves_the_transport_stack_for_later() -> None:
    # httpcore and anyio load when a client is made (its transport), not on import: they cost
    # more than the rest of `from qstash import QStash` together.
    code = (
        "import sys; from qstash import AsyncQStash, QStash, Receiver; "
        "print(*(name in sys.modules for name in ('httpcore', 'anyio', 'qstash._pool')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]


def test_generated_client_is_importable_when_installed(tmp_path: Path) -> None:
    # Outside pytest's pythonpath: what an installed (or editable) package gives users.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = "import qstash_openapi.api.messages.publish_message, qstash.message; print('ok')"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert out.stdout.strip() == "ok", out.stderr
