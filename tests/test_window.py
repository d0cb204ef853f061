"""The flow's bounded windows of task runs, with plain futures: order kept, at most ``size`` in
flight, inputs pulled only as the window needs them."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future

from flows.window import in_order, task_slots, window_size
from tasks.settings import Settings


class Stage:
    """A stage whose futures the test completes by hand, noting what was pulled and submitted."""

    def __init__(self) -> None:
        self.pulled = 0
        self.submitted: list[int] = []
        self.futures: dict[int, Future[int]] = {}

    def inputs(self, n: int) -> Iterator[int]:
        for i in range(n):
            self.pulled += 1
            yield i

    def submit(self, i: int) -> Future[int]:
        self.submitted.append(i)
        self.futures[i] = Future()
        return self.futures[i]


def test_handles_come_back_in_the_order_submitted() -> None:
    stage = Stage()
    got = in_order(stage.submit, stage.inputs(4), size=4)
    first = next(got)  # the window takes all four, then hands back the oldest
    for i in (3, 2, 1, 0):  # the last one finishes first
        stage.futures[i].set_result(i * 10)
    rest = list(got)
    assert [i for i, _ in [first, *rest]] == [0, 1, 2, 3]
    assert [f.result() for _, f in [first, *rest]] == [0, 10, 20, 30]


def test_at_most_size_in_flight_and_inputs_pulled_as_needed() -> None:
    stage = Stage()
    got = in_order(stage.submit, stage.inputs(5), size=2)
    in_flight = []
    for i, future in got:
        # Submitted and not yet handed back (this one is handed back now).
        in_flight.append(len(stage.submitted) - i)
        assert stage.pulled <= len(stage.submitted) + 1
        future.set_result(i)
    assert max(in_flight) == 2
    assert stage.submitted == [0, 1, 2, 3, 4] and stage.pulled == 5


def test_the_oldest_is_handed_back_before_the_next_input_is_submitted() -> None:
    """The caller acts on the oldest result (the flow: admits a cleaned batch) before the input
    pulled meanwhile is submitted."""
    stage = Stage()
    got = in_order(stage.submit, stage.inputs(3), size=2)
    i, _ = next(got)
    assert (i, stage.pulled, stage.submitted) == (0, 3, [0, 1])
    next(got)
    assert stage.submitted == [0, 1, 2]


def test_outside_a_dask_flow_the_slots_are_the_worker_processes() -> None:
    assert task_slots(Settings(workers=3)) == 3
    assert window_size(Settings(workers=3, inflight_per_worker=2)) == 6
