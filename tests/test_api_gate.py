"""`--api-concurrency`: at most N model calls in flight, whatever calls the model."""

from __future__ import annotations

import threading
import time

from fakes.messages_api import FakeMessagesAPI, reply, text

from mlskills import api_gate
from mlskills.llm.client import Requester
from mlskills.llm.settings import Settings


def test_the_local_gate_caps_concurrent_requests_through_the_real_client():
    in_flight, peak, lock = [0], [0], threading.Lock()

    def slow(request):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.3)
        with lock:
            in_flight[0] -= 1
        return reply(text("ok"))

    with FakeMessagesAPI(responder=slow) as api:
        settings = Settings(model="claude-sonnet-4-5", api_key="sk-ant-gate-test", base_url=api.url)
        requester = Requester(settings)
        params = {
            "model": "claude-sonnet-4-5",
            "max_tokens": 16,
            "messages": [{"role": "user", "content": "hi"}],
        }
        api_gate.install(api_gate.LocalGate(2))
        try:
            threads = [
                threading.Thread(target=requester.message, args=(params, time.monotonic() + 60))
                for _ in range(6)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            api_gate.install(None)
    assert len(api.message_requests) == 6
    assert peak[0] == 2
