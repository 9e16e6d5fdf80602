"""The languages of the window and the command: the choices of their ``--language`` option
and the loading of a translation (the .qm files compiled from decensor_app/gui/translations/
by scripts/update_translations.sh).

Qt-light on purpose: the command imports this, so PySide6's QtCore is imported only when a
translation may apply (``decensor --help`` in English imports no Qt at all), and never a GUI
module.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a translation is loaded
    from PySide6.QtCore import QTranslator

#: ``--language`` / the window's "language" setting: the system's language, or one the app has
#: translations for (English is the source language: it needs no file).
LANGUAGES = ("system", "en", "ja", "zh_CN")

#: The compiled translations (``decensor_ja.qm``...).
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "gui" / "translations"

#: Where Qt reads a POSIX system's languages from (other than macOS): QLocale.system() and its
#: uiLanguages() come from these variables only.
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _system_may_be_translated() -> bool:
    """Whether the system's language may be one with a translation: on Linux and other POSIX
    systems, whether a locale variable names one ("ja_JP.UTF-8" names "ja"); elsewhere
    (macOS, Windows: their own settings) only Qt can tell, so True."""
    if sys.platform in ("darwin", "win32"):
        return True
    offered = {language.split("_")[0] for language in LANGUAGES[2:]}
    for variable in _LOCALE_VARIABLES:
        for name in os.environ.get(variable, "").split(":"):
            if name.split(".")[0].split("@")[0].split("_")[0].lower() in offered:
                return True
    return False


def load_translation(language: str = "system") -> QTranslator | None:
    """The app's translation for ``language`` (one of :data:`LANGUAGES`; "system": the first
    of the system's UI languages that has one), or None when the English source texts show
    (``en``, or no translation for it). Imports QtCore only when one may apply."""
    if language == "en" or (language == "system" and not _system_may_be_translated()):
        return None
    from PySide6.QtCore import QLocale, QTranslator

    translator = QTranslator()
    if language == "system":
        # Qt tries each of the system's UI languages in turn ("ja_JP" finds decensor_ja.qm).
        found = translator.load(QLocale.system(), "decensor", "_", str(TRANSLATIONS_DIR))
    else:
        found = translator.load(f"decensor_{language}", str(TRANSLATIONS_DIR))
    return translator if found else None


def translation_language(translator: QTranslator | None) -> str:
    """Which of :data:`LANGUAGES` ``translator`` (from :func:`load_translation`) is: "ja",
    "zh_CN"; "en" for None."""
    if translator is None:
        return "en"
    return Path(translator.filePath()).stem.removeprefix("decensor_")
