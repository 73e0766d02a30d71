"""The language: how it is chosen, its catalog as the build makes it, Korean dates, countdowns and schedules,
and the checks that keep the Korean catalog complete."""

from __future__ import annotations

import gettext
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rocketwatch import i18n, timefmt
from rocketwatch.config import ConfigError, config_from_mapping
from rocketwatch.i18n import _
from rocketwatch.schedule import ScheduleError, parse_every, parse_quiet_hours

REPOSITORY = Path(__file__).resolve().parents[1]
PACKAGE = REPOSITORY / "rocketwatch"
KOREAN_PO = PACKAGE / "locale" / "ko" / "LC_MESSAGES" / "rocketwatch.po"
SEOUL = ZoneInfo("Asia/Seoul")
# The keywords the catalog is extracted with (README, "Language").
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


# --- choosing the language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),  # a language without a catalog: English, the source
        ({"LC_MESSAGES": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}, "ko"),
        ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "ko_KR.UTF-8"}, "en"),
        ({"LC_ALL": "ko_KR", "LANG": "C"}, "ko"),
        ({"LANGUAGE": "ko", "LANG": "en_US.UTF-8"}, "ko"),
        ({"LANGUAGE": "fr:ko:en", "LANG": "en_US.UTF-8"}, "ko"),  # the first language we have
        ({"LANGUAGE": "fr:de", "LANG": "ko_KR.UTF-8"}, "en"),  # as gettext: the list decides
        ({"LANGUAGE": "ko", "LANG": "C"}, "en"),  # as gettext: LANGUAGE means nothing in the C locale
        ({"LANGUAGE": "", "LANG": "ko_KR.UTF-8"}, "ko"),  # empty counts as unset
        ({"LANG": "ko_KR.eucKR"}, "ko"),
        ({"LANG": "ko"}, "ko"),
    ],
)
def test_the_language_follows_the_gettext_variables(environ: dict[str, str], language: str) -> None:
    assert i18n.language_from_environment(environ) == language


def test_no_variable_set_leaves_the_choice_to_the_desktop() -> None:
    assert i18n.language_from_environment({}) is None
    assert i18n.language_from_environment({"HOME": "/"}) is None


def test_macos_preferred_languages_first_one_counts() -> None:
    assert i18n.macos_language('(\n    "ko-KR",\n    "en-US"\n)\n') == "ko"
    assert i18n.macos_language('(\n    "en-GB",\n    "ko-KR"\n)\n') == "en"
    assert i18n.macos_language('(\n    "fr-FR"\n)\n') == "en"
    assert i18n.macos_language("") is None


def test_the_setting_wins_over_the_system(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    assert i18n.setup("ko") == "ko"
    assert i18n.current_language() == "ko"
    assert _("Every hour") == "매시간"
    monkeypatch.setenv("LANGUAGE", "ko")
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert i18n.setup("en") == "en"
    assert _("Every hour") == "Every hour"


def test_system_setting_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGUAGE")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert i18n.setup("system") == "ko"
    assert timefmt.duration_words(timedelta(hours=5, minutes=12)) == "5시간 12분"
    monkeypatch.setenv("LANG", "C")
    assert i18n.setup("system") == "en"
    assert timefmt.duration_words(timedelta(hours=5, minutes=12)) == "5 h 12 min"


def test_a_missing_catalog_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog
) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert i18n.setup("ko") == "en"
    assert _("Every hour") == "Every hour"
    assert "No compiled catalog for 'ko'" in caplog.text


def test_a_broken_catalog_falls_back_to_english(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    folder = tmp_path / "ko" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "rocketwatch.mo").write_bytes(b"not a catalog")
    assert i18n.setup("ko") == "en"


def test_the_language_setting_is_validated() -> None:
    assert config_from_mapping({}).general.language == "system"
    assert config_from_mapping({"general": {"language": "ko"}}).general.language == "ko"
    with pytest.raises(ConfigError, match=r'general\.language must be "system"'):
        config_from_mapping({"general": {"language": "klingon"}})


def test_the_settings_file_chooses_the_language_of_a_session(tmp_path: Path) -> None:
    from rocketwatch.session import Session

    (tmp_path / "config.toml").write_text('[general]\nlanguage = "ko"\n', encoding="utf-8")
    session = Session.from_options(str(tmp_path), None, False)
    session.load()
    assert i18n.current_language() == "ko"


# --- the pseudo-locale -------------------------------------------------------------------------


def test_pseudo_locale_wraps_every_message_and_keeps_placeholders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(i18n.PSEUDO_ENV, "1")
    assert i18n.setup("en") == i18n.PSEUDO
    assert _("{hours} h").format(hours=3) == "⟦3 h⟧"
    assert i18n.ngettext("{count} day", "{count} days", 2).format(count=2) == "⟦2 days⟧"
    assert i18n.pgettext("clock", "AM") == "⟦AM⟧"
    assert parse_every("6h").describe() == "⟦Every ⟦6 hours⟧⟧"
    assert parse_every("0 6 * * 1-5").describe().startswith("⟦")  # cron-descriptor's words count as shown


# --- Korean dates, countdowns, schedules -------------------------------------------------------


def test_korean_dates_countdowns_and_durations(korean: None) -> None:
    net = datetime(2026, 12, 3, 20, 0, tzinfo=SEOUL)
    assert timefmt.format_moment(net, timefmt.DAY_TIME) == "12월 3일 (목) 오후 8:00"
    assert timefmt.net_words(net, "MIN", SEOUL, zone=True) == "12월 3일 (목) 오후 8:00 KST"
    assert timefmt.net_words(net.replace(hour=9, minute=5), "MIN", SEOUL) == "12월 3일 (목) 오전 9:05"
    assert timefmt.net_words(net.replace(hour=0), "MIN", SEOUL) == "12월 3일 (목) 오전 12:00"
    assert timefmt.net_words(net.replace(hour=12), "HR", SEOUL) == "12월 3일 (목) 오후 12시경"
    assert timefmt.net_label(net, "M", SEOUL) == "2026년 12월 이후"
    assert timefmt.net_label(net, "Q3", SEOUL) == "2026년 3분기 이후"
    assert timefmt.net_label(net, "H2", SEOUL) == "2026년 하반기 이후"
    assert timefmt.countdown(net, "MIN", net - timedelta(hours=3, minutes=59)) == "3시간 59분 후"
    assert timefmt.countdown(net, "MIN", net + timedelta(hours=3)) == "3시간 전"
    assert timefmt.countdown(net, "HR", net - timedelta(days=2, hours=1)) == "약 2일 1시간 후"
    assert timefmt.duration_words(timedelta(hours=5, minutes=12)) == "5시간 12분"
    assert timefmt.duration_words(timedelta(seconds=45)) == "45초"
    long = timefmt.format_moment(net.replace(second=7), timefmt.LONG)
    assert long == "2026년 12월 3일 목요일, 오후 8:00:07 KST"


def test_english_dates_stay_as_they_were() -> None:
    net = datetime(2026, 12, 3, 20, 0, tzinfo=SEOUL)
    assert (
        timefmt.format_moment(net, timefmt.DAY_TIME) == net.strftime("%a %d %b %H:%M") == "Thu 03 Dec 20:00"
    )
    assert timefmt.format_moment(net, timefmt.LONG) == net.strftime("%A %d %B %Y, %H:%M:%S %Z")
    assert timefmt.countdown(net, "MIN", net - timedelta(hours=3, minutes=59)) == "in 3 h 59 min"
    assert timefmt.net_label(net, "Q3", SEOUL) == "NET Q3 2026"


@pytest.mark.parametrize(
    ("every", "korean_words"),
    [
        ("0 6 * * 1-5", "06:00, 월요일부터 금요일"),
        ("0 6 * * *", "매일 06:00"),
        ("*/15 * * * *", "15분마다"),
        ("6h", "6시간마다"),
        ("1h30m", "1시간 30분마다"),
        ("1h", "매시간"),
        ("0 6 */15 * 5", "06:00, 매월 1, 16, 그리고 31일, 금요일에만"),
        ("@hourly", "매시간"),
        ("0 */2 * * *", "2시간마다"),
        ("30 6 * * 0", "06:30, 일요일에"),  # cron-descriptor's own weekday names, in Korean too
        ("0 6 * * 1,3,5", "06:00, 월요일, 수요일, 그리고 금요일에"),
    ],
)
def test_schedules_in_korean_words(korean: None, every: str, korean_words: str) -> None:
    assert parse_every(every).describe() == korean_words


def test_schedule_errors_in_korean(korean: None) -> None:
    with pytest.raises(ScheduleError, match="'7x': 'x'은\\(는\\) 단위가 아닙니다"):
        parse_every("7x")
    with pytest.raises(ScheduleError, match="시작과 끝이 같습니다"):
        parse_quiet_hours("22:00-22:00")
    with pytest.raises(ScheduleError, match="올바른 요일 값이 아닙니다"):
        parse_every("0 6 * * mon-xyz")


# --- the catalog as the build makes it ---------------------------------------------------------


def test_the_build_compiles_the_catalog_the_app_reads() -> None:
    """`uv run` made the .mo from the .po (hatch_build.py); it says what the .po says, entry for entry."""
    from babel.messages.pofile import read_po

    with KOREAN_PO.open("rb") as file:
        catalog = read_po(file)
    mo = i18n.catalog_path("ko")
    assert mo.is_file(), "the build hook did not compile the Korean catalog"
    assert mo.stat().st_mtime >= KOREAN_PO.stat().st_mtime, "the .mo is older than its .po"
    with mo.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    assert compiled.info()["plural-forms"] == "nplurals=1; plural=0;"
    checked = 0
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(message.id[0], message.id[1], 2) == message.string[0]
        elif message.context:
            assert compiled.pgettext(message.context, message.id) == message.string
        else:
            assert compiled.gettext(message.id) == message.string
        checked += 1
    assert checked > 100


def test_our_msgfmt_reads_what_gettext_writes() -> None:
    """hatch_build's reader against the tricky parts of the format: continued strings, escapes,
    contexts, plurals, fuzzy and untranslated entries, obsolete ones."""
    import hatch_build

    text = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=1; plural=0;\n"

#. a comment
#, python-brace-format
msgid ""
"Run {number} "
"succeeded"
msgstr "실행 {number} "
"성공"

msgctxt "clock"
msgid "AM"
msgstr "오전"

msgid "{count} day"
msgid_plural "{count} days"
msgstr[0] "{count}일"

#, fuzzy
msgid "Guess"
msgstr "추측"

msgid "Untranslated"
msgstr ""

msgid "Tab\there \"quoted\"\n"
msgstr "탭\t여기 \"인용\"\n"

#~ msgid "Old"
#~ msgstr "옛것"
"""
    path = Path(__file__).parent / "_catalog_check.mo"
    messages = hatch_build.read_po(text)
    try:
        path.write_bytes(hatch_build.mo_bytes(messages))
        with path.open("rb") as file:
            catalog = gettext.GNUTranslations(file)
    finally:
        path.unlink(missing_ok=True)
    assert catalog.gettext("Run {number} succeeded") == "실행 {number} 성공"
    assert catalog.pgettext("clock", "AM") == "오전"
    assert catalog.ngettext("{count} day", "{count} days", 5) == "{count}일"
    assert catalog.gettext("Guess") == "Guess"
    assert catalog.gettext("Untranslated") == "Untranslated"
    assert catalog.gettext('Tab\there "quoted"\n') == '탭\t여기 "인용"\n'
    assert catalog.gettext("Old") == "Old"


# --- completeness ------------------------------------------------------------------------------


def _marked_messages() -> dict[tuple[str | None, str | tuple[str, str]], list[str]]:
    """Every msgid marked in the package: (context, id or (singular, plural)) -> where."""
    from babel.messages.extract import extract_from_file

    found: dict[tuple[str | None, str | tuple[str, str]], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, message, _comments, context in extract_from_file("python", str(path), keywords=KEYWORDS):
            key = (context, message if isinstance(message, str) else (message[0], message[1]))
            found.setdefault(key, []).append(f"{path.relative_to(REPOSITORY)}:{line}")
    return found


def _placeholders(text: str) -> set[str]:
    return {name for name in re.findall(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[:!][^}]*)?\}", text)}


def _mnemonics(text: str) -> list[str]:
    return re.findall(r"&(\w)", text.replace("&&", "").lower())


def test_every_marked_string_has_a_korean_translation() -> None:
    """Fails naming each msgid missing or empty in the Korean catalog, each translation whose {placeholders}
    differ from the English, and each keyboard mnemonic (&) lost or moved to another letter."""
    from babel.messages.pofile import read_po

    with KOREAN_PO.open("rb") as file:
        catalog = read_po(file)
    problems: list[str] = []
    marked = _marked_messages()
    assert len(marked) > 100  # the extractor found the marked strings at all
    for (context, message_id), where in marked.items():
        entry = catalog.get(message_id, context=context)
        label = f"{message_id!r}" + (f" (context {context!r})" if context else "") + f" at {where[0]}"
        strings = (
            entry.string
            if entry is not None and isinstance(entry.string, tuple)
            else (entry and entry.string,)
        )
        if entry is None or not all(strings):
            problems.append(f"missing: {label}")
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {label}")
        english = message_id if isinstance(message_id, tuple) else (message_id,)
        wanted = set().union(*(_placeholders(text) for text in english))
        for string in strings:
            if _placeholders(string) != wanted:
                problems.append(f"placeholders {sorted(_placeholders(string))} != {sorted(wanted)}: {label}")
            # the same Alt key as in English ("&Copy log" -> "로그 복사(&C)"): keys that do not clash in
            # English do not clash in Korean either
            if _mnemonics(string) != _mnemonics(english[0]):
                problems.append(f"mnemonic {_mnemonics(string)} != {_mnemonics(english[0])}: {label}")
    assert not problems, f"{len(problems)} problem(s) in {KOREAN_PO.name}:\n" + "\n".join(problems)


def test_the_completeness_check_notices_a_missing_string(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above is not blind: a newly marked string without a translation fails it."""
    real = _marked_messages

    def with_a_new_one() -> dict:
        found = real()
        found[(None, "A sentence nobody translated")] = ["rocketwatch/new.py:1"]
        found[(None, "'{expr}': {problem}")] = ["rocketwatch/cron.py:1"]  # translated: must not be named
        return found

    monkeypatch.setitem(globals(), "_marked_messages", with_a_new_one)
    with pytest.raises(AssertionError) as failure:
        test_every_marked_string_has_a_korean_translation()
    assert "missing: 'A sentence nobody translated' at rocketwatch/new.py:1" in str(failure.value)
    assert "'{expr}'" not in str(failure.value)


def test_machine_output_can_be_made_in_english_inside_a_korean_process(korean: None) -> None:
    with i18n.english():
        assert parse_every("0 6 * * 1-5").describe() == "At 06:00, Monday through Friday"
        assert i18n.current_language() == "en"
    assert parse_every("0 6 * * 1-5").describe() == "06:00, 월요일부터 금요일"
    assert i18n.current_language() == "ko"
