"""What people type finds the procedure (issue 14, point 4): services.search.rank and suggest over the
shipped catalogue (services/*.toml) and the shipped vocabulary (services/vocabulary/synonyms.toml)."""
import pytest

from services.loader import default_directory, load_dir
from services.search import SYNONYMS_FILE, Vocabulary, load_vocabulary, rank, suggest

BIRTH, DEATH = "dang-ky-khai-sinh", "dang-ky-khai-tu"
BUILDING, MARITAL = "cap-giay-phep-xay-dung-nha-o-rieng-le", "xac-nhan-tinh-trang-hon-nhan"
BUSINESS, COPY = "dang-ky-thanh-lap-ho-kinh-doanh", "chung-thuc-ban-sao-tu-ban-chinh"


@pytest.fixture(scope="module")
def catalogue():
    services, errors = load_dir(default_directory())
    assert errors == []
    return services


def slugs(hits):
    return [hit.service.slug for hit in hits]


@pytest.mark.parametrize("query, first", [
    ("giay khai sinh", BIRTH),
    ("khai sinh cho con", BIRTH),
    ("xin giấy phép xây nhà", BUILDING),
    ("xin giay phep xay nha", BUILDING),
    ("nhà xây giấy phép", BUILDING),  # word order is free
    ("sinh khai", BIRTH),
    ("làm giấy khai sinh cho em bé", BIRTH),
    ("đăng kí khai tử", DEATH),  # i for y
    ("bố mất", DEATH),
    ("cưới vợ", MARITAL),
    ("đăng ký kết hôn", MARITAL),
    ("giấy độc thân", MARITAL),
    ("công chứng giấy tờ", COPY),
    ("sao y bản chính", COPY),
    ("giấy phép kinh doanh", BUSINESS),
    ("mở quán", BUSINESS),
    ("building permit", BUILDING),
    ("1.001193", BIRTH),
])
def test_everyday_words_find_the_procedure_first(catalogue, query, first):
    assert slugs(rank(catalogue, query))[0] == first


def test_ranking_counts_matching_words_instead_of_requiring_all(catalogue):
    # "con" is in no name: the strict filter found nothing for "khai sinh cho con"
    hits = rank(catalogue, "khai sinh cho con")
    assert hits[0].service.slug == BIRTH and hits[0].matched == hits[0].words == 3
    # a service with only some of the words still comes, after the one with all of them
    partial = rank(catalogue, "khai sinh")
    assert slugs(partial)[:2] == [BIRTH, DEATH]
    assert partial[0].score > partial[1].score and partial[1].matched == 1


def test_a_word_in_the_name_counts_more_than_one_in_the_description():
    in_name = {"slug": "a", "name": "Đăng ký khai sinh", "description": "Cho trẻ em."}
    in_description = {"slug": "b", "name": "Đăng ký khai tử", "description": "Khai sinh trước đó."}
    services = [type("S", (), s)() for s in (in_description, in_name)]
    hits = rank(services, "khai sinh", Vocabulary({}, frozenset()))
    assert [hit.service.slug for hit in hits] == ["a", "b"]
    assert hits[0].score > hits[1].score


def test_noise_far_below_the_best_is_left_out(catalogue):
    # "giấy" alone is in the marital-status name; next to the birth registration's three words it is noise
    assert MARITAL not in slugs(rank(catalogue, "giay khai sinh"))


def test_short_words_match_whole_words_only(catalogue):
    # "con" is no prefix match of "công": the certified copy ("công dân" in no name) is not found by it
    assert slugs(rank(catalogue, "con"))[0] == BIRTH
    assert COPY not in slugs(rank(catalogue, "con"))


def test_empty_query_keeps_everything_and_stopwords_alone_find_nothing(catalogue):
    assert slugs(rank(catalogue, "  ")) == [s.slug for s in catalogue]
    assert rank(catalogue, "xin cho tôi") == []


def test_nothing_found_is_nothing(catalogue):
    assert rank(catalogue, "passport") == [] and suggest(catalogue, "passport") == []


@pytest.mark.parametrize("query, expected", [
    ("khia snh", BIRTH),
    ("chunh thuc", COPY),
    ("ho kinh danh", BUSINESS),
])
def test_typos_get_suggestions(catalogue, query, expected):
    assert suggest(catalogue, query)[0].slug == expected


def test_a_query_with_every_word_mistyped_finds_nothing_but_is_suggested_the_closest(catalogue):
    assert rank(catalogue, "khia snh") == []
    assert slugs_of(suggest(catalogue, "khia snh"))[0] == BIRTH
    assert len(suggest(catalogue, "khia snh", limit=1)) == 1


def slugs_of(services):
    return [service.slug for service in services]


def test_suggestions_ignore_stopwords(catalogue):
    assert suggest(catalogue, "không có thủ tục này") == []


def test_vocabulary_file_folds_keys_and_keeps_the_typed_phrase():
    vocabulary = load_vocabulary(SYNONYMS_FILE)
    alternatives = vocabulary.synonyms[("xay", "nha")]
    assert alternatives[0] == ("xay", "nha")
    assert ("xay", "dung", "nha", "o") in alternatives
    assert ("xin",) in vocabulary.stopwords and ("de",) not in vocabulary.stopwords


def test_synonyms_widen_a_search(catalogue):
    plain = Vocabulary({}, frozenset())
    # "khẩu" is in no text; "hộ khẩu" means "cư trú", which the birth registration's description has

    def birth_hit(vocabulary=None):
        return next(h for h in rank(catalogue, "ho khau", vocabulary) if h.service.slug == BIRTH)
    assert birth_hit(plain).matched == 1 and birth_hit().matched == 2
    assert DEATH not in slugs(rank(catalogue, "qua đời", plain))  # only "quá" of other descriptions
    assert slugs(rank(catalogue, "qua đời")) == [DEATH]


def test_stored_versions_are_ranked_like_definitions(catalogue):
    # a ServiceVersion row has name/code/sector columns and the rest in its `definition` dict
    from services.loader import to_dict

    class Version:
        def __init__(self, d):
            self.name, self.name_en, self.code, self.sector = d.name, d.name_en, d.code, d.sector
            self.source_hash, self.definition = d.source_hash, to_dict(d)

    versions = [Version(d) for d in catalogue]
    for query in ("giay khai sinh", "xin giấy phép xây nhà", "cưới vợ"):
        assert [v.code for v in (h.service for h in rank(versions, query))] == \
            [d.code for d in (h.service for h in rank(catalogue, query))]
