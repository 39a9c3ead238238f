"""How often and how patiently a transient delivery failure is retried."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff.

    ``max_attempts`` counts every try, the first included. The pause after failed
    attempt ``n`` is ``min(base_delay * multiplier ** (n - 1), max_delay)`` seconds.
    ``attempt_timeout`` (seconds) bounds one attempt: a send that takes longer is
    abandoned and counted failed, not retried, since it may have been delivered.
    None removes the bound (a stalled manager then stalls the emit).
    """

    max_attempts: int = 4
    base_delay: float = 0.005
    max_delay: float = 0.2
    multiplier: float = 2.0
    attempt_timeout: float | None = 5.0

    def __post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
            raise TypeError(f"max_attempts must be an int, got {self.max_attempts!r}")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {self.max_attempts}")
        for name in ("base_delay", "max_delay"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        if not (math.isfinite(self.multiplier) and self.multiplier >= 1):
            raise ValueError(f"multiplier must be a finite number >= 1, got {self.multiplier!r}")
        timeout = self.attempt_timeout
        if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"attempt_timeout must be None or > 0, got {timeout!r}")

    def delay_after(self, attempt: int) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based)."""
        try:
            raw = self.base_delay * self.multiplier ** (attempt - 1)
        except OverflowError:  # a huge attempt number: the cap applies anyway
            return self.max_delay
        return min(raw, self.max_delay)
