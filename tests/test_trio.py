"""AsyncQStash under trio: the default transport (our pool over httpcore, anyio primitives) and
the bulk task pool run on trio as on asyncio, against a real server on 127.0.0.1."""

from __future__ import annotations

import httpx
import trio

from qstash import AsyncQStash
from qstash._pool import AsyncPoolTransport
from tests.stub_server import stub_server


def test_concurrent_publishes_and_bulk_under_trio() -> None:
    results: list[str] = []
    with stub_server() as server:

        async def main() -> None:
            limits = httpx.Limits(max_connections=3, max_keepalive_connections=3)
            async with AsyncQStash("trio-token", base_url=server.url, limits=limits) as client:
                assert isinstance(client._transport._inner, AsyncPoolTransport)

                async def publish(n: int) -> None:
                    result = await client.message.publish_json(
                        url="https://example.com/trio", body={"n": n}
                    )
                    results.append(result.message_id)

                async with trio.open_nursery() as nursery:
                    for n in range(12):
                        nursery.start_soon(publish, n)
                outcomes = await client.message.publish_many_json(
                    [{"url": "https://example.com/bulk", "body": {"n": n}} for n in range(5)],
                    chunk_size=2,
                    max_in_flight=2,
                )
                assert [outcome.ok for outcome in outcomes] == [True] * 5
                busy, idle, waiting = client._transport._inner._pool.state()
                assert (busy, waiting) == (0, 0)
                assert 1 <= idle <= 3

        trio.run(main)

    assert results == ["msg_123"] * 12
    publishes = [call for call in server.calls if call.path.startswith("/v2/publish/")]
    assert len(publishes) == 12
    assert sorted(call.body for call in publishes) == sorted(
        f'{{"n":{n}}}'.encode() for n in range(12)
    )
    assert [call.path for call in server.calls if call.path == "/v2/batch"] == ["/v2/batch"] * 3
