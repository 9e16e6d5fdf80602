#!/usr/bin/env bash
# Refresh the translations: pyside6-lupdate collects the translatable texts of the GUI modules
# and of the command (cli.py) into decensor_app/gui/translations/decensor_*.ts (keeping the
# translations already made; texts no longer in the code are dropped), and pyside6-lrelease
# compiles each .ts into the .qm file the app loads. Both tools ship in the PySide6 wheel.
# Translate new texts (type "unfinished" in the .ts files, e.g. with .venv/bin/pyside6-linguist),
# then run this again; tests/test_translations.py fails while a text is untranslated or a .qm is
# out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${VENV_BIN:-.venv/bin}"
folder=decensor_app/gui/translations
sources=(decensor_app/gui/*.py decensor_app/cli.py)
for language in ja zh_CN; do
    "$bin/pyside6-lupdate" -no-obsolete -locations none "${sources[@]}" -ts "$folder/decensor_$language.ts"
    "$bin/pyside6-lrelease" -silent "$folder/decensor_$language.ts" -qm "$folder/decensor_$language.qm"
done
