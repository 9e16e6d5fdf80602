"""Translations of the window, the painter and the command: every text is translated in each
language, the .ts files hold every text of the code and the .qm files are compiled from them, no
visible text literal escapes tr() (or the command's translate()), and the translated window
shows its labels unclipped."""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QPushButton, QWidget

from decensor_app.gui.app import (
    LANGUAGES,
    TRANSLATIONS_DIR,
    install_translators,
    remembered_choice,
)
from decensor_app.gui.main_window import DESIGNED_SIZE, MainWindow

REPO = Path(__file__).resolve().parents[1]
GUI = REPO / "decensor_app" / "gui"
COMMAND = REPO / "decensor_app" / "cli.py"
#: What scripts/update_translations.sh hands to pyside6-lupdate.
SOURCES = [*sorted(GUI.glob("*.py")), COMMAND]
BIN = Path(sys.executable).parent  # the PySide6 wheel's tools sit beside the interpreter
TRANSLATED = [language for language in LANGUAGES if language not in ("system", "en")]
tomllib = pytest.importorskip("tomllib")  # Python 3.11+

#: Placeholders that must survive translation: str.format fields, QProgressBar's %v/%m.
PLACEHOLDER = re.compile(r"\{\w*\}|%[vmp]")
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def messages(ts: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    """A .ts file's messages: (context, source) -> (translation, its type attribute)."""
    found = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            found[(name, message.findtext("source") or "")] = (
                translation.text or "",
                translation.get("type"),
            )
    return found


def ts_file(language: str) -> Path:
    return TRANSLATIONS_DIR / f"decensor_{language}.ts"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_is_translated(language: str) -> None:
    """No unfinished or obsolete entry; the placeholders and the mnemonic (&) are kept."""
    found = messages(ts_file(language))
    assert len(found) > 150
    for (context, source), (translation, kind) in found.items():
        assert kind is None and translation.strip(), f"{context}: {source!r} is not translated"
        assert sorted(PLACEHOLDER.findall(translation)) == sorted(PLACEHOLDER.findall(source)), (
            f"{context}: {source!r} -> {translation!r} changes the placeholders"
        )
        assert ("&" in translation) == ("&" in source), f"{source!r}: the mnemonic is lost"
        words = re.search(r"[A-Za-z]", PLACEHOLDER.sub("", source))
        if words and CJK.search(translation) is None:  # only names and units stay as they are
            assert source in ("decensor", " px"), f"{source!r} left in English"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_ts_files_hold_every_text_of_the_code(language: str, tmp_path: Path) -> None:
    """lupdate run again (as scripts/update_translations.sh runs it) finds nothing new and
    drops nothing: a text added to the code without a translation fails here."""
    copy = tmp_path / ts_file(language).name
    shutil.copy(ts_file(language), copy)
    sources = [str(path) for path in SOURCES]
    subprocess.run(
        [str(BIN / "pyside6-lupdate"), "-no-obsolete", "-locations", "none", *sources,
         "-ts", str(copy)],
        check=True, capture_output=True,
    )  # fmt: skip
    assert messages(copy) == messages(ts_file(language))


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_qm_files_are_compiled_from_the_ts_files(language: str, tmp_path: Path) -> None:
    compiled = tmp_path / f"decensor_{language}.qm"
    subprocess.run(
        [str(BIN / "pyside6-lrelease"), "-silent", str(ts_file(language)), "-qm", str(compiled)],
        check=True,
    )
    shipped = TRANSLATIONS_DIR / compiled.name
    assert shipped.read_bytes() == compiled.read_bytes(), "run scripts/update_translations.sh"


def test_the_qm_files_are_package_data() -> None:
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = setuptools["package-data"]["decensor_app.gui"]
    shipped = sorted(TRANSLATIONS_DIR.glob("*.qm"))
    assert len(shipped) == len(TRANSLATED)
    for path in shipped:
        relative = path.relative_to(GUI).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


# --- no untranslated literal -----------------------------------------------------------------

#: Calls whose arguments at these positions are shown to the user.
VISIBLE_ARGUMENTS = {
    "setText": (0,), "setToolTip": (0,), "setStatusTip": (0,), "setWindowTitle": (0,),
    "addMenu": (0,), "showMessage": (0,), "setFormat": (0,), "setPlaceholderText": (0,),
    "setSuffix": (0,), "addButton": (0,), "addRow": (0,), "QLabel": (0,), "QPushButton": (0,),
    "QRadioButton": (0,), "QCheckBox": (0,), "QGroupBox": (0,), "QAction": (0,),
    "QToolBar": (0,), "make_action": (1, 4), "_action": (0, 4), "_toolbar": (0,),
    "_folder_row": (1,), "confirm_discard": (0,), "ask": (1, 2), "warning": (1, 2),
    "information": (1, 2), "question": (1, 2), "critical": (1, 2), "QMessageBox": (1, 2),
    "getSaveFileName": (1, 3), "getOpenFileName": (1, 3), "getExistingDirectory": (1,),
    "getColor": (2,), "drawText": (2,),
}  # fmt: skip


def _has_words(node: ast.expr) -> bool:
    """Whether ``node`` holds literal words: a string with letters, an f-string with letters
    in its literal parts, or a concatenation of such (``"saved " + name``)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and re.search(r"[A-Za-z]{2}", node.value) is not None
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _has_words(node.left) or _has_words(node.right)
    if isinstance(node, ast.IfExp):
        return _has_words(node.body) or _has_words(node.orelse)
    return False  # a name, or a call such as self.tr("...")


def untranslated(source: str) -> Iterator[str]:
    """``line: call`` for each visible-text argument of ``source`` that is a literal."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        for position in VISIBLE_ARGUMENTS.get(name, ()):
            if position < len(node.args) and _has_words(node.args[position]):
                yield f"{node.lineno}: {name}"


def test_the_check_finds_untranslated_literals() -> None:
    assert list(untranslated('b = QPushButton("Go")\nb.setToolTip(f"Go {n}")')) == [
        "1: QPushButton",
        "2: setToolTip",
    ]
    assert list(untranslated('status.setText("saved " + name)')) == ["1: setText"]
    assert not list(untranslated('b = QPushButton(self.tr("Go"))\nb.setToolTip(tip)'))
    assert not list(untranslated('b.setText(self.tr("Go {n}").format(n=n))\nl.setText("")'))


@pytest.mark.parametrize("module", sorted(path.name for path in GUI.glob("*.py")))
def test_visible_texts_are_translatable(module: str) -> None:
    found = list(untranslated((GUI / module).read_text(encoding="utf-8")))
    assert not found, f"{module}: wrap these texts in self.tr() or translate(): {found}"


#: The command's calls that show text: each positional argument of these, and these keywords
#: (argparse's help texts).
COMMAND_CALLS = {"print", "error", "write"}
COMMAND_KEYWORDS = {"help", "description", "epilog", "usage"}


def _shows_words(node: ast.expr) -> bool:
    """:func:`_has_words`, also through a method of a literal (``"done {n}".format(n=n)``)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _shows_words(node.func.value)
    return _has_words(node)


def untranslated_in_command(source: str) -> Iterator[str]:
    """``line: call`` for each text of the command's ``source`` shown without translate()."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        shown = list(node.args) if name in COMMAND_CALLS else []
        shown += [keyword.value for keyword in node.keywords if keyword.arg in COMMAND_KEYWORDS]
        for argument in shown:
            if _shows_words(argument):
                yield f"{node.lineno}: {name}"


def test_the_check_finds_the_commands_untranslated_texts() -> None:
    code = (
        'print(f"{n} restored")\n'
        'parser.add_argument("--x", help="does x")\n'
        'print("{n} done".format(n=n), file=stream)\n'
        'parser.error("bad " + value)\n'
    )
    assert list(untranslated_in_command(code)) == ["1: print", "2: add_argument", "3: print",
                                                  "4: error"]  # fmt: skip
    assert not list(untranslated_in_command(
        'print(translate("Command", "{n} restored").format(n=n), f"{name}: {error}")\n'
        'parser.add_argument("--x", help=translate("Command", "does x"))\n'
        'print(json.dumps(report))\n'
    ))  # fmt: skip


def test_every_message_of_the_command_is_translatable() -> None:
    found = list(untranslated_in_command(COMMAND.read_text(encoding="utf-8")))
    assert not found, f'cli.py: wrap these texts in translate("Command", ...): {found}'


# --- the translated window -------------------------------------------------------------------


@pytest.fixture
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """The window's translation installed for the test; English again afterwards."""
    installed = install_translators(qapp, request.param)
    yield installed
    install_translators(qapp, "en")


def clipped(window: QWidget) -> list[str]:
    """The visible labels and buttons of ``window`` narrower than their text needs."""
    found = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, QLabel | QAbstractButton) or not widget.isVisible():
            continue
        if isinstance(widget, QLabel) and widget.wordWrap():
            continue  # wraps instead of clipping
        if widget.sizeHint().width() > widget.width():
            text = widget.text() or widget.toolTip()
            found.append(f"{type(widget).__name__} {text!r}: {widget.width()} of "
                         f"{widget.sizeHint().width()} px")  # fmt: skip
    return found


@pytest.mark.parametrize("language", LANGUAGES[1:], indirect=True)
def test_the_window_shows_its_language_unclipped(language: str, qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, models_dir=tmp_path / "no-models", base_dir=tmp_path)
    qtbot.addWidget(window)
    window.resize(DESIGNED_SIZE)
    window.show()
    qtbot.waitExposed(window)
    text = window.decensor_button.text()
    if language == "en":
        assert text == "Decensor"
    else:
        assert text != "Decensor" and CJK.search(text), text
        assert CJK.search(window.menuBar().actions()[0].text())
        assert "Decensor" in window.actions_by_name  # keyed by the English text in any language
    assert not clipped(window)
    painter = window.open_painter()
    qtbot.waitExposed(painter)
    assert (CJK.search(painter.status.text()) is None) == (language == "en")
    assert not clipped(painter)


@pytest.mark.parametrize("language", ["ja"], indirect=True)
def test_a_long_painter_status_wraps_onto_a_second_line_instead_of_being_cut(
    language: str, qtbot, tmp_path: Path
) -> None:
    """Opened from the input folder without its original (as "Open in painter" on a result
    does in bar mode), the painter's status adds a note: in Japanese more than 1000 px with a
    CJK font. Without one (CI has none: Qt draws narrower boxes) the label's font is enlarged
    until the text outgrows the window, so the wrapping is tested on any machine."""
    from decensor_app.gui.painter import PainterWindow
    from tests.conftest import box, paint, save_png, scene

    (tmp_path / "orig").mkdir()
    path = save_png(tmp_path / "in" / "a.png", paint(scene(), box(120, 160, 10, 10, 30, 30)))
    painter = PainterWindow(lambda: (tmp_path / "in", tmp_path / "orig", "bar"),
                            settings=QSettings(str(tmp_path / "s.ini"),
                                               QSettings.Format.IniFormat))  # fmt: skip
    qtbot.addWidget(painter)
    painter.resize(1000, 750)
    painter.show()
    qtbot.waitExposed(painter)
    assert painter.open_file(path)
    status = painter.status
    advance = status.fontMetrics().horizontalAdvance(status.text())
    if advance < 1.3 * status.width():
        font = status.font()
        font.setPointSizeF(font.pointSizeF() * 1.5 * status.width() / advance)
        status.setFont(font)
    assert status.fontMetrics().horizontalAdvance(status.text()) > status.width()
    qtbot.waitUntil(lambda: status.height() >= 2 * status.fontMetrics().lineSpacing())
    assert not clipped(painter)
    assert status.height() < 3 * status.fontMetrics().lineSpacing()  # two lines, not a column


@pytest.mark.parametrize("name", ["nl", "en"])
def test_a_language_without_translation_keeps_english(name: str, qapp: QApplication) -> None:
    try:
        assert install_translators(qapp, name) == "en"
        assert QCoreApplication.translate("MainWindow", "Decensor") == "Decensor"
    finally:
        install_translators(qapp, "en")


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "expected"), [("ja_JP.UTF-8", "ja"), ("zh_CN.UTF-8", "zh_CN"),
                                                ("de_DE.UTF-8", "en")])  # fmt: skip
def test_the_language_follows_the_system(lang: str, expected: str) -> None:
    """In a fresh process, as the system's LANG sets it (Qt reads the environment)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}  # fmt: skip
    env |= {"LANG": lang, "QT_QPA_PLATFORM": "offscreen"}
    code = (
        "from PySide6.QtCore import QCoreApplication\n"
        "from decensor_app.gui.app import install_translators\n"
        "app = QCoreApplication([])\n"
        "print(install_translators(app), QCoreApplication.translate('MainWindow', 'Decensor'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True,
        check=True, timeout=120,
    )  # fmt: skip
    installed, text = result.stdout.split()
    assert installed == expected
    assert (text == "Decensor") == (expected == "en")


def test_the_language_setting_is_remembered(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert remembered_choice(settings, "language", None, LANGUAGES) == "system"
    assert remembered_choice(settings, "language", "ja", LANGUAGES) == "ja"
    assert remembered_choice(settings, "language", None, LANGUAGES) == "ja"  # the next start
    settings.setValue("language", "klingon")  # no longer offered
    assert remembered_choice(settings, "language", None, LANGUAGES) == "system"


def test_the_check_finds_a_clipped_button(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    button = QPushButton("A long text that does not fit", window)
    label = QLabel("Fits", window)
    label.move(0, 40)
    window.show()
    qtbot.waitExposed(window)
    assert not clipped(window)
    button.setFixedWidth(button.sizeHint().width() // 2)
    assert clipped(window) == [f"QPushButton {button.text()!r}: {button.width()} of "
                               f"{button.sizeHint().width()} px"]  # fmt: skip
