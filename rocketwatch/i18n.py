"""Words a person reads, in their language: one gettext catalog for the core, the CLI and the windows.

No Qt here: the core's notifications and the CLI are translated with the same catalog as the windows.
Mark a string with `_("…")` where it is made; use named placeholders and format after translating
(`_("Run {number} succeeded").format(number=n)`), never an f-string inside `_()`. A module-level constant
is marked with `N_("…")` and translated with `_(CONSTANT)` where it is shown. Plurals: `ngettext`.
Machine output (--json, the ICS file's fields, the log kept for support, config keys) is never translated.
"""

from __future__ import annotations

import gettext

DOMAIN = "rocketwatch"

_translation: gettext.NullTranslations = gettext.NullTranslations()


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


def use(translation: gettext.NullTranslations) -> None:
    """Makes `translation` the current language for everything that asks from now on."""
    global _translation
    _translation = translation
