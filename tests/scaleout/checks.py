"""After the kills: what the database, the shared folders, the outbox and the RQ registries hold, against
what the servers acknowledged. Each check returns a list of problems (empty: held)."""
import hashlib
import re
from collections import Counter, defaultdict
from email import policy
from email.parser import BytesParser
from pathlib import Path

from sqlalchemy import select

CODE = re.compile(r"^(?P<unit>.+)-(?P<day>\d{6})-(?P<n>\d{4,})$")


def _rows(app):
    from portal.extensions import db
    from portal.models import Application, Event
    with app.app_context():
        applications = {a.id: (a.code, a.state) for a in db.session.execute(select(Application)).scalars()}
        events = defaultdict(list)
        for event in db.session.execute(select(Event).order_by(Event.id)).scalars():
            events[event.application_id].append((event.action, event.to_state))
        return applications, events


def check_submissions(app, ledger) -> tuple[list[str], dict]:
    """Every acknowledged submission exists once, under its id, with exactly one `submit` event; every
    acknowledged accept has exactly one `accept` event; codes are unique; daily sequences have no gap."""
    applications, events = _rows(app)
    problems = []
    by_code = Counter(code for code, _ in applications.values() if code)
    problems += [f"code {code} on {n} applications" for code, n in by_code.items() if n > 1]
    acknowledged = {**ledger.submitted, **ledger.submitted_after_retry}
    for code, application_id in acknowledged.items():
        row = applications.get(application_id)
        if row is None or row[0] != code:
            problems.append(f"acknowledged {code} (id {application_id}) is not in the database: {row}")
            continue
        submits = [e for e in events[application_id] if e[0] == "submit"]
        if len(submits) != 1:
            problems.append(f"{code}: {len(submits)} submit events")
    for application_id in ledger.accepted:
        accepts = [e for e in events[application_id] if e[0] == "accept"]
        if len(accepts) != 1:
            problems.append(f"application {application_id}: acknowledged accept, {len(accepts)} accept events")
    for application_id, (code, state) in applications.items():
        if code and not any(e[0] == "submit" for e in events[application_id]):
            problems.append(f"{code} has a code but no submit event")
    problems += sequence_gaps(code for code, _ in applications.values() if code)
    figures = {"applications_with_code": sum(by_code.values()), "acknowledged": len(ledger.submitted),
               "acknowledged_after_retry": len(ledger.submitted_after_retry), "accepted": len(ledger.accepted),
               "submitted_but_unacknowledged": sum(by_code.values()) - len(acknowledged)}
    return problems, figures


def sequence_gaps(codes) -> list[str]:
    """Codes are `<unit code>-YYMMDD-NNNN`, numbered per receiving unit per day from 0001 without a gap."""
    numbers = defaultdict(list)
    problems = []
    for code in codes:
        match = CODE.match(code)
        if match is None:
            problems.append(f"code {code!r} is not <unit>-YYMMDD-NNNN")
            continue
        numbers[(match["unit"], match["day"])].append(int(match["n"]))
    for (unit, day), values in numbers.items():
        values.sort()
        if values != list(range(1, len(values) + 1)):
            missing = sorted(set(range(1, values[-1] + 1)) - set(values))
            problems.append(f"{unit}-{day}: {len(values)} codes up to {values[-1]}, missing {missing[:10]}")
    return problems


def expected_mails(app) -> dict[str, int]:
    """Subject -> number of e-mails the events in the database call for (one per notified event)."""
    from portal.notifications.effects import SUBJECTS, template_for
    applications, events = _rows(app)
    wanted = Counter()
    for application_id, (code, _) in applications.items():
        for action, to_state in events[application_id]:
            wanted[SUBJECTS[template_for(action, to_state)].format(code=code, state_label=to_state)] += 1
    return wanted


def outbox_mails(outbox: Path) -> tuple[Counter, Counter]:
    """(files per subject, distinct Message-IDs per subject) of the .eml files in the outbox."""
    files, ids = Counter(), defaultdict(set)
    for path in sorted(Path(outbox).glob("*.eml")):
        message = BytesParser(policy=policy.default).parse(path.open("rb"), headersonly=True)
        subject = " ".join(str(message["Subject"]).split())
        files[subject] += 1
        ids[subject].add(str(message["Message-ID"]))
    return files, Counter({subject: len(values) for subject, values in ids.items()})


def check_mails(app, outbox: Path) -> tuple[list[str], dict]:
    """Each notified event has exactly one e-mail in the outbox; no e-mail for an event that is not there."""
    wanted = expected_mails(app)
    files, distinct = outbox_mails(outbox)
    problems = []
    for subject, n in wanted.items():
        if files[subject] != n:
            problems.append(f"{files[subject]} mail files ({distinct[subject]} Message-IDs) for "
                            f"{n} event(s): {subject}")
    problems += [f"mail without an event: {subject}" for subject in files if subject not in wanted]
    return problems, {"mails_expected": sum(wanted.values()), "mail_files": sum(files.values())}


def check_files(app) -> tuple[list[str], dict]:
    """Every attachment and every issued document is in the shared folders with the bytes its row names;
    every accepted application has exactly one live receipt."""
    from portal import storage
    from portal.extensions import db
    from portal.models import Application, Attachment, Document
    problems = []
    with app.app_context():
        attachments = db.session.execute(select(Attachment)).scalars().all()
        documents = db.session.execute(select(Document)).scalars().all()
        for kind, rows in (("uploads", attachments), ("documents", documents)):
            for row in rows:
                path = storage.path_of(kind, row.stored_name)
                if not path.exists():
                    problems.append(f"{kind}/{row.stored_name} (row {row.id}) is missing")
                elif hashlib.sha256(path.read_bytes()).hexdigest() != row.sha256:
                    problems.append(f"{kind}/{row.stored_name} (row {row.id}) has other bytes")
        receipts = Counter(d.application_id for d in documents
                           if d.kind == "receipt" and d.superseded_by_id is None and d.revoked_at is None)
        accepted = db.session.execute(select(Application.id).where(
            Application.state.in_(("processing", "awaiting_payment")))).scalars().all()
        problems += [f"application {a}: {receipts[a]} receipts" for a in accepted if receipts[a] != 1]
    return problems, {"attachments": len(attachments), "documents": len(documents)}
