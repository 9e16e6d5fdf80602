"""``decensor-gui``: the desktop window. TensorFlow is not imported before the window shows."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QLibraryInfo,
    QLocale,
    QSettings,
    Qt,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from decensor_app.folders import SAMPLE_PICTURE
from decensor_app.gui.main_window import DESIGNED_SIZE, MainWindow, window_icon
from decensor_app.languages import LANGUAGES, load_translation, translation_language
from decensor_app.languages import TRANSLATIONS_DIR as TRANSLATIONS_DIR  # re-exported

# TensorFlow's own logging, for what it honours (its earliest messages are kept off the
# terminal by the model loader, see engines.native_log.quiet_native_stderr).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SAMPLE = SAMPLE_PICTURE

#: ``--theme`` / the "theme" setting: follow the system (Qt's style hints) or force one.
THEMES = ("system", "light", "dark")


# ``--language``'s choices (LANGUAGES) and the translations are the command's too: see
# decensor_app.languages, which loads them without importing the window.

#: The translators installed by :func:`install_translators` (Qt does not keep them alive).
_installed: list[QTranslator] = []


def install_translators(app: QCoreApplication, language: str = "system") -> str:
    """Install the window's translation for ``language`` ("system": the first of the system's
    UI languages that has one), and Qt's own (standard buttons, dialogs) for the same
    language, replacing those an earlier call installed. Returns the language installed, one
    of :data:`LANGUAGES` ("en" when none: the English source texts show)."""
    while _installed:
        app.removeTranslator(_installed.pop())
    own = load_translation(language)
    if own is None:
        return "en"
    installed = translation_language(own)  # "ja", "zh_CN"
    qt = QTranslator()
    qt.load(
        QLocale(installed),
        "qtbase",
        "_",
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
    )
    for translator in (qt, own):
        app.installTranslator(translator)
        _installed.append(translator)
    return installed


#: Roles kept as they are in the dark palette: accents, and the text drawn on them.
_ACCENT_ROLES = (
    QPalette.ColorRole.Highlight,
    QPalette.ColorRole.HighlightedText,
    QPalette.ColorRole.Link,
    QPalette.ColorRole.LinkVisited,
)


#: How much lighter than the window (HSL lightness, 0-1) the dark palette's fields are. Fusion
#: draws an unchecked check box or radio button as a field (Base) outlined in a darker shade of
#: the window: in the light palette the outline shows it, on a dark window it does not, and a
#: field as dark as the window left it invisible. 0.15 gives it the light palette's contrast
#: (about 18 CIE L* units against the window; tests/test_main_window.py measures it).
FIELD_LIFT = 0.15
#: The same for disabled fields: still seen, less than enabled ones.
DISABLED_FIELD_LIFT = 0.08


def _with_lightness(colour: QColor, lightness: float) -> QColor:
    return QColor.fromHslF(
        colour.hslHueF(), colour.hslSaturationF(), min(max(lightness, 0.0), 1.0), colour.alphaF()
    )


def _bevels(button: QColor) -> dict[QPalette.ColorRole, QColor]:
    """The 3D roles from the button colour as Fusion derives its own palettes: Light above
    Button, then Midlight, Mid, Dark, Shadow below it (inverting them would turn the bevels
    upside down: Light darker than Dark)."""
    mid = button.darker(130)
    dark = button.darker(150)
    return {
        QPalette.ColorRole.Light: button.lighter(150),
        QPalette.ColorRole.Midlight: mid.lighter(110),
        QPalette.ColorRole.Mid: mid,
        QPalette.ColorRole.Dark: dark,
        QPalette.ColorRole.Shadow: dark.darker(135),
    }


def dark_palette(light: QPalette) -> QPalette:
    """``light`` with every colour's lightness inverted (hue and saturation kept), accents
    kept: a dark palette made from the style's own colours, for platforms whose theme cannot
    switch the style to dark itself (Qt's offscreen and minimal platforms, bare X servers).
    The 3D roles follow the button colour as in Fusion's palettes (:func:`_bevels`), the
    fields (Base, AlternateBase) are lighter than the window (:data:`FIELD_LIFT`), so that
    check boxes, radio buttons and text boxes stand out from it, and disabled texts are
    readable on both."""
    dark = QPalette(light)
    groups = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive,
              QPalette.ColorGroup.Disabled)  # fmt: skip
    for group in groups:
        for role in QPalette.ColorRole:
            if role in _ACCENT_ROLES or role == QPalette.ColorRole.NColorRoles:
                continue
            colour = light.color(group, role)
            # Into 10%-90%: white bases become a dark grey, not black (easier on the eyes).
            inverted = 0.1 + 0.8 * (1 - colour.lightnessF())
            dark.setColor(group, role, _with_lightness(colour, inverted))
        for role, colour in _bevels(dark.color(group, QPalette.ColorRole.Button)).items():
            dark.setColor(group, role, colour)
        window = dark.color(group, QPalette.ColorRole.Window)
        lift = DISABLED_FIELD_LIFT if group == QPalette.ColorGroup.Disabled else FIELD_LIFT
        base = _with_lightness(light.color(group, QPalette.ColorRole.Base),
                               window.lightnessF() + lift)  # fmt: skip
        dark.setColor(group, QPalette.ColorRole.Base, base)
        # Alternate rows a shade off the fields, as in the light palette.
        dark.setColor(group, QPalette.ColorRole.AlternateBase, base.darker(110))
    # Disabled texts halfway between the fields and the texts: dimmed, yet readable on a field
    # (Fusion draws menus on Base: inverted, they were as light as it) as on the window.
    active = QPalette.ColorGroup.Active
    dimmed = (dark.color(active, QPalette.ColorRole.Base).lightnessF()
              + dark.color(active, QPalette.ColorRole.Text).lightnessF()) / 2  # fmt: skip
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):  # fmt: skip
        disabled = QPalette.ColorGroup.Disabled
        dark.setColor(disabled, role, _with_lightness(dark.color(disabled, role), dimmed))
    return dark


def _is_dark(palette: QPalette) -> bool:
    window = palette.color(QPalette.ColorRole.Window)
    return window.lightness() < palette.color(QPalette.ColorRole.WindowText).lightness()


def apply_colour_scheme(app: QApplication, theme: str = "system") -> Qt.ColorScheme:
    """Follow the system's light or dark colour scheme (Qt's style hints), or force ``theme``
    ("light", "dark"): Fusion draws from the scheme's palette. Returns the scheme in use."""
    hints = app.styleHints()
    if theme == "dark":
        hints.setColorScheme(Qt.ColorScheme.Dark)
    elif theme == "light":
        hints.setColorScheme(Qt.ColorScheme.Light)
    else:
        hints.unsetColorScheme()
    scheme = hints.colorScheme()
    wanted = {"dark": Qt.ColorScheme.Dark, "light": Qt.ColorScheme.Light}.get(theme, scheme)
    if wanted in (Qt.ColorScheme.Dark, Qt.ColorScheme.Light):
        # The platform's own style may ignore the scheme; Fusion follows it.
        app.setStyle("Fusion")
        palette = app.style().standardPalette()
        if wanted == Qt.ColorScheme.Dark and not _is_dark(palette):
            palette = dark_palette(palette)  # the platform could not switch the style
        elif wanted == Qt.ColorScheme.Light and _is_dark(palette):
            palette = dark_palette(palette)  # inverting a dark one gives a light one
        app.setPalette(palette)
    return wanted


def follow_colour_scheme(app: QApplication, theme: str = "system") -> None:
    """Re-apply the palette when the system switches between light and dark (unless a theme
    was forced)."""
    if theme == "system":
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_colour_scheme(app))


def remembered_choice(
    settings: QSettings, key: str, given: str | None, choices: Sequence[str]
) -> str:
    """The option ``given`` on the command line, remembered in ``settings`` under ``key`` for
    the next start; without it the remembered one, or ``choices[0]`` ("system") when none
    or one no longer offered is stored."""
    if given is not None:
        settings.setValue(key, given)
        return given
    stored = str(settings.value(key, choices[0]))
    return stored if stored in choices else choices[0]


def screenshot(window: MainWindow, target: Path) -> None:
    """Restore the shipped sample into a temporary folder, show it, and save the window."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "in").mkdir()
        (work / "in" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
        window.folder_edits["input"].setText(str(work / "in"))
        window.folder_edits["output"].setText(str(work / "out"))
        # The designed size, also where the (offscreen, virtual) screen is smaller.
        window.resize(DESIGNED_SIZE)
        loop = QEventLoop()
        window.batch_finished.connect(lambda _report: loop.quit())
        window.start()
        QTimer.singleShot(600_000, loop.quit)
        loop.exec()
        QApplication.processEvents()
        window.compare.fit()
        QApplication.processEvents()
        window.grab().save(str(target))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="decensor-gui", description="The decensor window.")
    parser.add_argument(
        "--screenshot", type=Path, default=None,
        help="render the window with a sample result to this PNG file and exit",
    )  # fmt: skip
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument(
        "--theme", choices=THEMES, default=None,
        help="light or dark window, or follow the system (remembered; default: system)",
    )  # fmt: skip
    parser.add_argument(
        "--language", choices=LANGUAGES, default=None,
        help="the window's language, or the system's (remembered; default: system)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    started = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("decensor")
    app.setWindowIcon(window_icon())
    settings = None
    if args.screenshot is not None:  # a neutral window: not the user's saved folders
        settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    stored = settings or QSettings("decensor_app", "decensor")
    theme = remembered_choice(stored, "theme", args.theme, THEMES)
    install_translators(app, remembered_choice(stored, "language", args.language, LANGUAGES))
    apply_colour_scheme(app, theme)
    follow_colour_scheme(app, theme)
    window = MainWindow(settings=stored, models_dir=args.models_dir)
    window.show()
    if args.screenshot is not None:
        screenshot(window, args.screenshot)
        print(f"wrote {args.screenshot}")
        return 0
    QTimer.singleShot(0, lambda: print(f"window shown after {time.perf_counter() - started:.2f}s",
                                       file=sys.stderr))  # fmt: skip
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
