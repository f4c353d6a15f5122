"""Two people making a change to one object at once, made to collide every time.

The first person's change runs in its own transaction and holds the row's lock; the second starts
while it is held, waits on the lock, and reads the row only after the first committed. That is the
interleaving that gave a 500 (a DoesNotExist) in 3 of 4 real races; here it happens every time.
Each side runs on its own thread, so on its own database connection; the PostgreSQL pass runs these
(the SQLite pass keeps its database in memory, one connection).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from servq.core.errors import ServiceError

HOLD_SECONDS = 0.5


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two connections on one database: the PostgreSQL pass runs this")


def collide(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Any, Any]:
    """Run both; each outcome is the return value or the exception raised."""
    outcomes: list[Any] = [None, None]
    first_holds_the_lock = threading.Event()

    def run_first() -> None:
        try:
            with transaction.atomic():
                outcomes[0] = first()
                first_holds_the_lock.set()
                time.sleep(HOLD_SECONDS)  # the second is waiting on the row meanwhile
        except Exception as error:
            outcomes[0] = error
        finally:
            first_holds_the_lock.set()
            connection.close()

    def run_second() -> None:
        first_holds_the_lock.wait(30)
        try:
            outcomes[1] = second()
        except Exception as error:
            outcomes[1] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes[0], outcomes[1]


def refused_in_words(outcome: Any, *words: str) -> None:
    """The loser got the one refusal type, saying what changed — never another exception."""
    assert isinstance(outcome, ServiceError), f"expected a refusal, got {outcome!r}"
    for word in words:
        assert word in str(outcome), str(outcome)
