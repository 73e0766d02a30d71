"""Words a person reads, in their language: one gettext catalog for the core, the CLI and the windows.

No Qt here: the core's notifications and the CLI are translated with the same catalog as the windows.
Mark a string with `_("…")` where it is made; use named placeholders and format after translating
(`_("Run {number} succeeded").format(number=n)`), never an f-string inside `_()`. A module-level constant
is marked with `N_("…")` and translated with `_(CONSTANT)` where it is shown. Plurals: `ngettext`.
Machine output (--json, the ICS file's fields, the log kept for support, config keys) is never translated.

`setup()` picks the language (the setting, else the system's) and loads its compiled catalog
(`locale/<language>/LC_MESSAGES/rocketwatch.mo` beside this module, built from the .po by the build).
"""

from __future__ import annotations

import gettext
import logging
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "rocketwatch"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "ko")  # the source language first; each other one has a catalog
SETTINGS = ("system", *LANGUAGES)  # the values of `[general] language`
PSEUDO = "pseudo"  # a hidden setting for tests: every translated message shows as ⟦…⟧
PSEUDO_ENV = "ROCKETWATCH_PSEUDO_LOCALE"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

# The variables GNU gettext reads, in its order; the first one set and not empty decides.
ENV_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

log = logging.getLogger(__name__)

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE
# The last catalog read, by its file: a start reads the language twice (the desktop's, then the setting's,
# usually the same), and parsing the Korean catalog takes 1.5 ms of the time before the tray icon.
_last_catalog: tuple[Path, gettext.NullTranslations] | None = None


def _(message: str) -> str:
    """`message` in the current language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message that fits the count `n`, in the current language."""
    return _translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, told apart from the same English word by `context`."""
    return _translation.pgettext(context, message)


def N_(message: str) -> str:
    """Marks a string for the catalog without translating it now (module-level constants)."""
    return message


def use(translation: gettext.NullTranslations, language: str | None = None) -> None:
    """Makes `translation` the current language for everything that asks from now on."""
    global _translation, _language
    _translation = translation
    if language is not None:
        _language = language


@contextmanager
def english() -> Iterator[None]:
    """English for the words made inside (machine output such as --json that reuses words made for people);
    for a command's own thread: the language is the process's."""
    global _translation, _language
    saved = _translation, _language
    _translation, _language = gettext.NullTranslations(), SOURCE_LANGUAGE
    try:
        yield
    finally:
        _translation, _language = saved


def current_language() -> str:
    """The language messages are shown in: "en", "ko" (or "pseudo" in tests)."""
    return _language


def setup(setting: str = "system") -> str:
    """Choose the language from `setting` ("system", "en", "ko"), load its catalog and return it.

    "system" follows the environment like gettext (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else the
    user's UI language on Windows and macOS. A language without a usable catalog falls back to English.
    """
    if setting == PSEUDO or os.environ.get(PSEUDO_ENV) == "1":
        use(PseudoTranslations(), PSEUDO)
        return PSEUDO
    language = setting if setting in LANGUAGES else system_language()
    translation = _load_once(language)
    if translation is None:
        language = SOURCE_LANGUAGE
        translation = gettext.NullTranslations()
    use(translation, language)
    return language


def catalog_path(language: str) -> Path:
    """Where the compiled catalog of `language` lives (beside this module, also in a frozen bundle)."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _load_once(language: str) -> gettext.NullTranslations | None:
    """load(language), unless the same catalog file was the last one read."""
    global _last_catalog
    path = catalog_path(language)
    if _last_catalog is not None and _last_catalog[0] == path:
        return _last_catalog[1]
    translation = load(language)
    if translation is not None and language != SOURCE_LANGUAGE:
        _last_catalog = (path, translation)
    return translation


def load(language: str) -> gettext.NullTranslations | None:
    """The catalog of `language` (English: no catalog needed); None when it is missing or unreadable."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    path = catalog_path(language)
    try:
        with path.open("rb") as file:
            return gettext.GNUTranslations(file)
    except OSError:
        log.warning("No compiled catalog for %r at %s; showing English", language, path)
    except Exception:  # a broken file must not keep the app from starting
        log.warning("Cannot read the catalog for %r at %s; showing English", language, path, exc_info=True)
    return None


def language_of(locale_name: str) -> str | None:
    """'ko_KR.UTF-8' -> 'ko', 'en-US' -> 'en', 'C'/'POSIX' -> 'en'; None for a language we lack."""
    name = locale_name.strip()
    if not name:
        return None
    if name.split(".")[0].split("@")[0] in ("C", "POSIX"):
        return SOURCE_LANGUAGE
    code = name.replace("-", "_").split("_")[0].split(".")[0].split("@")[0].lower()
    return code if code in LANGUAGES else None


def language_from_environment(environ: Mapping[str, str]) -> str | None:
    """The language the gettext variables ask for, or None when none of them is set.

    As GNU gettext does: LANGUAGE is a priority list (the first language we have wins; if none,
    English), and it is ignored when the locale itself is "C" or "POSIX".
    """
    locale_name = next((environ[name] for name in ENV_VARIABLES[1:] if environ.get(name)), "")
    languages = environ.get("LANGUAGE", "")
    if languages and locale_name.split(".")[0] not in ("C", "POSIX"):
        for entry in languages.split(":"):
            found = language_of(entry)
            if found:
                return found
        return SOURCE_LANGUAGE
    if locale_name:
        return language_of(locale_name) or SOURCE_LANGUAGE
    return None


def system_language() -> str:
    """The user's language: the gettext variables when set, else the desktop's UI language."""
    found = language_from_environment(os.environ)
    if found:
        return found
    if sys.platform == "win32":
        found = _windows_language()
    elif sys.platform == "darwin":
        found = _macos_language()
    return found or SOURCE_LANGUAGE


def _windows_language() -> str | None:
    import ctypes
    import locale

    try:
        lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        return None
    name = locale.windows_locale.get(int(lcid), "")
    return language_of(name) if name else None


def _macos_language() -> str | None:
    import subprocess

    try:
        output = subprocess.run(
            ["defaults", "read", "-g", "AppleLanguages"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return macos_language(output)


def macos_language(output: str) -> str | None:
    """The first language of `defaults read -g AppleLanguages` ('(\\n "ko-KR",\\n "en-US"\\n)')."""
    for line in output.splitlines():
        entry = line.strip().strip(",").strip('"')
        if entry and entry not in "()":
            return language_of(entry) or SOURCE_LANGUAGE
    return None


class PseudoTranslations(gettext.NullTranslations):
    """Every message wrapped as ⟦…⟧, placeholders intact: text shown without it was never translated."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"

    def pgettext(self, context: str, message: str) -> str:
        return f"⟦{message}⟧"

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"
