"""The outbox (issue 12): what the portal must tell another system is written in the same transaction as
the change that causes it, then delivered by one sender, in order per ordering key, at least once, with
retries and growing back-off; the receiver's idempotency key (the message key) makes repeats harmless.

    from portal.outbox import put, destination, Refused
    put("dvcqg", payload, key=..., ordering_key=application.code, application_id=application.id)

    @destination("dvcqg")
    def send(message): ...    # return: delivered; raise Refused: failed for good; other errors: retried

See docs/architecture.md "Outbox" for the whole contract."""
from .errors import Refused, Transient
from .registry import destination
from .store import put

__all__ = ["put", "destination", "Refused", "Transient"]
