from datetime import UTC, datetime

import pytest

NOW = datetime(2024, 11, 1, 15, 21, tzinfo=UTC)


@pytest.fixture
def now(time_machine):
    """Freeze the clock (no ticking) so publication, pin and banner times compare exactly."""
    time_machine.move_to(NOW, tick=False)
    return NOW
