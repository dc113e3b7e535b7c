"""Where an application's notices go by e-mail: the applicant's account, or, for an application that came from
the national portal with no account behind it, the address the person gave there (kept in
`national_submissions`). A walk-in applicant without an account has no e-mail, nor has an account made by a
national identity sign-in that gave none (a placeholder under the reserved .invalid domain, which no mail
server delivers to): SMS only."""
from ..extensions import db
from ..national.inbound_models import NationalSubmission


def deliverable(address: str | None) -> str:
    """`address`, or "" when no mail can reach it (RFC 2606 reserves .invalid: it never resolves)."""
    address = (address or "").strip()
    return "" if address.lower().rstrip(".").endswith(".invalid") else address


def applicant_email(application) -> str:
    applicant = application.applicant
    if applicant is not None:
        return deliverable(applicant.email)
    if application.channel != "national" or application.id is None:
        return ""
    submission = db.session.get(NationalSubmission, application.id)
    return deliverable(submission.applicant_email) if submission is not None else ""
