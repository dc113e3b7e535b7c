"""How the desk finds an application: by code, the person's name (accent-insensitive), identification number or
phone, whatever the person typed.

Every application keeps `search_text`: its code, the applicant's name, identification number and phone (from
the account or as entered at the desk) and the names, identification numbers and phones in its data, folded to
unaccented lower case (services.search.fold). A search is then one indexed `LIKE '% word%'` per word on that column
(a trigram index on PostgreSQL, migration 0009) instead of reading JSON in Python. The column is kept here, by
mapper events, whichever operation writes the application (online draft, counter intake, a claim, submission,
a data change) and when an account's name, number or phone changes."""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy import and_, event, select

from services.search import fold

from .models import Application, User

# Data keys whose values identify a person: requester_full_name, mother_national_id, owner_phone…
_PERSON_KEYS = re.compile(r"(full_name|national_id|phone|ho_ten|so_dinh_danh|so_dien_thoai)$")
_WATCHED = ("code", "national_code", "data", "applicant_id", "applicant_name", "applicant_national_id",
            "applicant_phone")
_NUMBER = re.compile(r"\+?[0-9][0-9.]*")  # a phone or identification number, maybe in groups
_EDGE = ".,;:!?()[]{}\"'“”‘’«»"
MAX_WORDS = 8
MAX_WORD = 60


def search_text_of(code, person: tuple, data, national_code=None) -> str:
    """The folded text an application is found by. `person`: (name, identification number, phone);
    `national_code`: the national portal's own code of an application submitted there."""
    parts = []
    for one in (code or "", national_code or ""):
        # The code's tails after each "-" too ("260301-0001", "0001"): words are matched from their start.
        parts += [one, *[one.split("-", i)[-1] for i in range(1, one.count("-") + 1)]]
    parts += [value or "" for value in person]
    for key, value in sorted((data or {}).items()):
        if isinstance(value, str) and _PERSON_KEYS.search(key):
            parts.append(value)
    return " " + fold(" ".join(part for part in parts if part))  # each word follows a space


def query_words(query: str) -> list[str]:
    """The words of a desk query as they appear in `search_text`: folded; a number typed in groups
    ("0912 345 678", "0912.345.678", "+84 912 345 678") made one, +84 written 0; punctuation at the edges
    dropped; at most MAX_WORDS words of MAX_WORD characters."""
    words: list[str] = []
    joining = False  # the last word is a number still taking groups of up to four digits
    for word in fold(query or "").split(" "):
        word = word.strip(_EDGE)
        if _NUMBER.fullmatch(word):
            if len(word.replace(".", "").lstrip("+")) >= 9:  # a phone or identification number, not "000.21"
                word = word.replace(".", "")
            digits = word.lstrip("+")
            if (joining and "." not in word + words[-1] and (len(digits) <= 4 or words[-1] == "+84")
                    and len(words[-1].lstrip("+")) + len(digits) <= 12):
                words[-1] += digits
                continue
            joining = True
        else:
            joining = False
        if word:
            words.append(word)
    words = ["0" + word[3:] if word.startswith("+84") else word for word in words]
    return [word[:MAX_WORD] for word in words][:MAX_WORDS]


def matching(query: str):
    """A WHERE clause: every word of the query begins a word of the application's search text ("an" finds
    "An", not "Văn"); None when there are no words."""
    words = query_words(query)
    if not words:
        return None
    return and_(*[Application.search_text.contains(" " + word, autoescape=True) for word in words])


def _person(application: Application, connection) -> tuple:
    name, national_id, phone = (application.applicant_name, application.applicant_national_id,
                                application.applicant_phone)
    if application.applicant_id is not None and not (name and national_id and phone):
        loaded = sa.inspect(application).dict.get("applicant")
        if loaded is not None and loaded.id == application.applicant_id:
            account = (loaded.full_name, loaded.national_id, loaded.phone)
        else:
            account = connection.execute(select(User.full_name, User.national_id, User.phone)
                                         .where(User.id == application.applicant_id)).first() or ("", "", "")
        name, national_id, phone = name or account[0], national_id or account[1], phone or account[2]
    return name, national_id, phone


def refresh(application: Application, connection) -> None:
    person = _person(application, connection)
    application.search_text = search_text_of(application.code, person, application.data,
                                             application.national_code)


@event.listens_for(Application, "before_insert")
def _on_insert(mapper, connection, application):
    refresh(application, connection)


@event.listens_for(Application, "before_update")
def _on_update(mapper, connection, application):
    state = sa.inspect(application)
    if any(state.attrs[name].history.has_changes() for name in _WATCHED):
        refresh(application, connection)


@event.listens_for(User, "after_update")
def _on_account_change(mapper, connection, user):
    """A person's own applications are found by the account's current name, number and phone."""
    state = sa.inspect(user)
    if not any(state.attrs[name].history.has_changes() for name in ("full_name", "national_id", "phone")):
        return
    table = Application.__table__
    rows = connection.execute(select(table.c.id, table.c.code, table.c.data, table.c.applicant_name,
                                     table.c.applicant_national_id, table.c.applicant_phone,
                                     table.c.national_code)
                              .where(table.c.applicant_id == user.id)).all()
    for app_id, code, data, name, national_id, phone, national_code in rows:
        person = (name or user.full_name, national_id or user.national_id, phone or user.phone)
        connection.execute(table.update().where(table.c.id == app_id)
                           .values(search_text=search_text_of(code, person, data, national_code),
                                   updated_at=table.c.updated_at))  # not a change of the application
