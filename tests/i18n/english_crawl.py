"""What an English page still says in Vietnamese: the text (and the attributes people read: title,
aria-label, placeholder, alt) outside elements marked lang="vi", found by Vietnamese diacritics.

Proper names (units, people, legal texts), the citizen's own answers and a service's content without an
English version stay Vietnamese, but inside an element marked lang="vi" so that a screen reader reads them
with a Vietnamese voice; the crawl lists anything else."""
import re
from html.parser import HTMLParser

# Letters only Vietnamese uses among the languages the portal shows (English has none of them).
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
                        "àáãèéìíòóõùúýĩũ]", re.I)
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr"}
# What a person typed (a textarea's content, like an input's value) is theirs, not the page's.
SKIPPED = {"script", "style", "template", "textarea"}


# The province's name is written so in English too (as in "Vĩnh Phúc Province Public Service Portal"), also in
# the page title, where no element can mark it.
ENGLISH_NAMES = ("Vĩnh Phúc",)


def looks_vietnamese(text: str) -> bool:
    text = text or ""
    for name in ENGLISH_NAMES:
        text = text.replace(name, "")
    return bool(VIETNAMESE.search(text))


class _Leaks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, language, skipped)
        self.leaks = []
        self.marked = set()  # texts inside lang="vi" elements
        self.title = ""

    def _language(self):
        return self.stack[-1][1] if self.stack else None

    def _skipped(self):
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        language = attributes.get("lang") or self._language()
        skipped = self._skipped() or tag in SKIPPED
        if not skipped and not (language or "").startswith("vi"):
            for name in READ_ATTRIBUTES:
                if looks_vietnamese(attributes.get(name)):
                    self.leaks.append(f"<{tag} {name}>: {attributes[name]}")
        if tag not in VOID:
            self.stack.append((tag, language, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        # Tolerates unclosed elements (<p>, <li>, <option>): pop down to the matching tag.
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if (self._language() or "").startswith("vi"):
            if text:
                self.marked.add(text)
            return
        if self._skipped():
            return
        if self.stack and self.stack[-1][0] == "title":
            self.title += text  # checked at the end: a name marked lang="vi" on the page may be in it
            return
        if looks_vietnamese(text):
            where = self.stack[-1][0] if self.stack else "(top)"
            self.leaks.append(f"<{where}>: {text[:120]}")


def vietnamese_leaks(html: str) -> list[str]:
    """The Vietnamese texts of a page that are not inside an element marked lang="vi"."""
    parser = _Leaks()
    parser.feed(html)
    parser.close()
    # <title> cannot mark a part of itself: a name marked lang="vi" elsewhere on the page may stand in it.
    title = parser.title
    for name in sorted(parser.marked, key=len, reverse=True):
        title = title.replace(name, "")
    if looks_vietnamese(title):
        parser.leaks.insert(0, f"<title>: {parser.title}")
    return parser.leaks
