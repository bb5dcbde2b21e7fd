"""The official qstash-py 3.4.0, unchanged, against the dev server.

The official package is also imported as ``qstash``, so it runs in a subprocess with its own
``sys.path``. ``./scripts/test`` installs it aside (``.official-sdk/``) and sets
``QSTASH_OFFICIAL_SDK_PATH``; by hand::

    .venv/bin/pip install --target /tmp/official-qstash "qstash==3.4.0"
    QSTASH_OFFICIAL_SDK_PATH=/tmp/official-qstash .venv/bin/pytest tests/dev/test_official_sdk.py

Without it the test is skipped, except under CI (``CI`` set), where that is a failure.

Every call of its public API runs once, and its ``Receiver`` (PyJWT) verifies a delivery.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qstash.dev import DevServerThread
from qstash.dev.testing import Sink

OFFICIAL = os.environ.get("QSTASH_OFFICIAL_SDK_PATH", "")

_INSTALLED = bool(OFFICIAL and (Path(OFFICIAL) / "qstash" / "__init__.py").is_file())
if not _INSTALLED and os.environ.get("CI"):
    raise RuntimeError("CI must run the official-SDK check: set QSTASH_OFFICIAL_SDK_PATH")

pytestmark = pytest.mark.skipif(
    not _INSTALLED,
    reason="set QSTASH_OFFICIAL_SDK_PATH to a pip --target install of qstash==3.4.0",
)

SCRIPT = textwrap.dedent(
    """
    import os, time
    import qstash
    from qstash import QStash
    from qstash.log import LogState

    assert qstash.__version__ == "3.4.0", qstash.__file__
    url, sink = os.environ["DEV_URL"], os.environ["SINK_URL"]
    client = QStash(os.environ["DEV_TOKEN"], base_url=url)

    def wait_until(check):
        deadline = time.time() + 5
        while not check():
            assert time.time() < deadline, "timed out"
            time.sleep(0.02)

    # messages
    res = client.message.publish_json(
        url=sink + "/a", body={"x": 1}, headers={"X-Test": "1"}, retries=2,
        retry_delay="1000", callback=sink + "/cb", label="lbl",
        flow_control={"key": "fk", "parallelism": 2, "rate": 10, "period": "1m"},
        redact={"header": ["X-Test"]}, content_based_deduplication=False,
    )
    wait_until(lambda: client.log.list(
        filter={"message_id": res.message_id, "state": LogState.DELIVERED}).logs)
    later = client.message.publish(url=sink + "/b", body="later", delay=3600, timeout=30)
    msg = client.message.get(later.message_id)
    assert msg.message_id == later.message_id and msg.body == "later", msg
    assert msg.caller_ip == "127.0.0.1", msg
    client.message.cancel(later.message_id)
    ids = [client.message.publish(url=sink + "/c", body="c", delay=60).message_id
           for _ in range(2)]
    assert client.message.cancel_many(ids) == 2
    client.message.publish(url=sink + "/d", body="d", delay=60)
    assert client.message.cancel_all() == 1
    enq = client.message.enqueue_json(queue="oq", url=sink + "/q", body={"q": 1})
    batch = client.message.batch_json([{"url": sink + "/b1", "body": {"n": 1}},
                                       {"url": sink + "/b2", "body": {"n": 2}, "queue": "oq"}])
    assert len(batch) == 2 and enq.message_id

    # url groups
    endpoints = [{"url": sink + "/g1"}, {"url": sink + "/g2", "name": "two"}]
    client.url_group.upsert_endpoints(url_group="og", endpoints=endpoints)
    group = client.url_group.get("og")
    assert [e.url for e in group.endpoints] == [sink + "/g1", sink + "/g2"], group
    assert [g.name for g in client.url_group.list()] == ["og"]
    fan = client.message.publish_json(url_group="og", body={"g": 1})
    assert len(fan) == 2
    client.url_group.remove_endpoints(url_group="og", endpoints=[{"name": "two"}])
    client.url_group.delete("og")

    # queues
    client.queue.upsert("oq2", parallelism=2, paused=True)
    queue = client.queue.get("oq2")
    assert queue.parallelism == 2 and queue.paused, queue
    client.queue.resume("oq2"); client.queue.pause("oq2")
    assert "oq2" in [q.name for q in client.queue.list()]
    client.queue.delete("oq2")

    # schedules
    sid = client.schedule.create_json(destination=sink + "/s", cron="*/5 * * * *", body={"s": 1},
                                      retries=1, timeout=10, queue="oq", schedule_id="os-1")
    assert sid == "os-1"
    schedule = client.schedule.get(sid)
    assert schedule.cron == "*/5 * * * *" and schedule.queue == "oq", schedule
    client.schedule.pause(sid)
    assert client.schedule.get(sid).paused
    client.schedule.resume(sid)
    assert [s.schedule_id for s in client.schedule.list()] == [sid]
    client.schedule.delete(sid)

    # DLQ (the sink answers /fail with 500 "404 Not Found")
    client.message.publish(url=sink + "/fail", body="f", retries=0)
    wait_until(lambda: client.dlq.list().messages)
    dlq = client.dlq.list(filter={"url": sink + "/fail"}).messages
    assert len(dlq) == 1 and dlq[0].response_status == 500, dlq
    assert dlq[0].response_body == "404 Not Found"
    assert client.dlq.get(dlq[0].dlq_id).message_id == dlq[0].message_id
    client.message.publish(url=sink + "/fail", body="f2", retries=0)
    wait_until(lambda: len(client.dlq.list().messages) == 2)
    client.dlq.delete(dlq[0].dlq_id)
    assert client.dlq.delete_many([m.dlq_id for m in client.dlq.list().messages]) == 1

    # logs
    logs = client.log.list(filter={"message_id": res.message_id, "state": LogState.DELIVERED})
    assert len(logs.logs) == 1 and logs.logs[0].state == LogState.DELIVERED, logs
    every = client.log.list(count=1000)
    assert {log.state for log in every.logs} >= {LogState.CREATED, LogState.CANCELED}

    # flow control
    info = client.flow_control.get("fk")
    assert info.parallelism_max == 2 and info.rate_max == 10 and info.rate_period == 60, info
    client.flow_control.pause("fk"); client.flow_control.resume("fk")
    client.flow_control.pin("fk", {"parallelism": 3})
    client.flow_control.unpin("fk", {"parallelism": True})
    client.flow_control.reset_rate("fk")
    client.flow_control.get_global_parallelism()

    # signing keys
    keys = client.signing_key.get()
    assert keys.current == os.environ["CURRENT_KEY"]
    print("official SDK OK")
    """
)

VERIFY = textwrap.dedent(
    """
    import os
    from qstash import Receiver

    Receiver(os.environ["CURRENT_KEY"], os.environ["NEXT_KEY"]).verify(
        signature=os.environ["SIGNATURE"], body=os.environ["BODY"], url=os.environ["URL"]
    )
    print("verified")
    """
)


def _run(script: str, **env: str) -> str:
    result = subprocess.run(
        # -P and cwd: our own ``qstash`` (the repo, the editable install) must not shadow it.
        [sys.executable, "-P", "-c", script],
        cwd=OFFICIAL,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": OFFICIAL, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_official_sdk_runs_unchanged(qstash_dev_server: DevServerThread, qstash_sink: Sink) -> None:
    qstash_sink.respond(500, times=None, path="/fail", body=b"404 Not Found")
    keys = {
        "CURRENT_KEY": qstash_dev_server.current_signing_key,
        "NEXT_KEY": qstash_dev_server.next_signing_key,
    }
    out = _run(
        SCRIPT,
        DEV_URL=qstash_dev_server.url,
        DEV_TOKEN=qstash_dev_server.token,
        SINK_URL=qstash_sink.url,
        **keys,
    )
    assert "official SDK OK" in out

    delivery = next(r for r in qstash_sink.requests if r.path == "/a")
    verified = _run(
        VERIFY,
        SIGNATURE=delivery.headers["Upstash-Signature"],
        BODY=delivery.text,
        URL=delivery.url,
        **keys,
    )
    assert "verified" in verified
