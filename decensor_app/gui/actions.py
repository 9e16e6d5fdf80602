"""Menu and shortcut actions whose slots are called without Qt's ``checked`` flag, and the
marker of texts translated where they are shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

Shortcut = str | QKeySequence | QKeySequence.StandardKey


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Mark ``source`` for translation in ``context`` and return it unchanged; translated
    where shown with ``QCoreApplication.translate(context, source)`` (or ``self.tr`` in a
    class named ``context``). pyside6-lupdate finds the texts by this name; PySide6's own
    function is typed as returning ``object``, which the tables of texts cannot use."""
    return source


def make_action(
    parent: QObject,
    text: str,
    shortcut: Shortcut | None,
    slot: Callable[[], object],
    tip: str = "",
) -> QAction:
    """A QAction owned by ``parent`` that calls ``slot()`` when triggered; ``tip`` is its
    tooltip and status-bar text (the shortcut is added to the tooltip).

    Through a lambda without parameters: ``triggered(bool)`` would hand its checked flag to any
    slot that accepts an argument (``start(only=False)``).
    """
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(tip)
    action.triggered.connect(lambda: slot())
    return action
