"""What a destination's sender raises: `Refused` when the receiver will never take the message (no retry), any
other exception when it may take it later (retried with back-off). `Transient` names the latter for
portal.outbox.http; catching it is never needed."""


class Refused(Exception):
    """The receiver refused the message for good (a 4xx answer, a payload it rejects): the message becomes
    `failed` at once and waits for an administrator."""

    def __init__(self, reason: str = ""):
        super().__init__(reason)
        self.reason = reason


class Transient(Exception):
    """The receiver could not take the message now (5xx, 408, 429, timeout, connection refused)."""
