"""Per-channel send rates: a send waits exactly as long as its channel's rate demands."""

from __future__ import annotations

from action_svc.service_layer.limits import Limiters


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_a_send_is_paced_to_its_channels_rate() -> None:
    t = FakeTime()
    limiters = Limiters(default_rate_per_s=1000, clock=t.clock, sleep=t.sleep)
    limiters.configure({"sms": 100.0, "email": None})
    # 100 SMS fit the first second's burst; the next 300 take three more seconds.
    for _ in range(4):
        await limiters.acquire("sms", 100)
    assert t.now == 3.0
    # email has the default rate (1000/s): 1000 at once, then 1 s per thousand.
    start = t.now
    await limiters.acquire("email", 1000)
    await limiters.acquire("email", 1000)
    assert t.now - start == 1.0


async def test_changing_a_rate_takes_effect_and_zero_means_unlimited() -> None:
    t = FakeTime()
    limiters = Limiters(default_rate_per_s=10, clock=t.clock, sleep=t.sleep)
    await limiters.acquire("push", 10)
    await limiters.acquire("push", 10)
    assert t.now == 1.0
    limiters.configure({"push": 0.0})
    for _ in range(100):
        await limiters.acquire("push", 1000)
    assert t.now == 1.0 and t.slept == [1.0]
