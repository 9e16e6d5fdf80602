"""The `decensor` command as users run it: a real process, exit codes, JSON, the quick start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from decensor_app.masks import exact_green, green_mask
from decensor_app.pipeline import BatchOptions
from tests.conftest import Folders, box, paint, save_png, scene

REPO = Path(__file__).resolve().parents[1]


def decensor(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "decensor_app", *args],
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def _folder_args(folders: Folders) -> list[str]:
    return [
        "--input", str(folders.input),
        "--original", str(folders.original),
        "--output", str(folders.output),
    ]  # fmt: skip


def test_json_report_and_exit_status_zero_when_all_restored(folders: Folders) -> None:
    save_png(folders.input / "a.png", paint(scene(), box(120, 160, 10, 10, 30, 30)))
    (folders.input / "readme.txt").write_text("not a picture")
    result = decensor(*_folder_args(folders), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["restored"], report["skipped"], report["failed"]) == (1, 1, 0)
    first = report["files"][0]
    assert set(first) >= {"input", "status", "output", "error", "regions", "seconds"}
    assert first["status"] == "restored" and first["regions"] == 1
    assert Path(first["output"]) == folders.output / "a.png"
    assert "1 restored, 1 skipped, 0 failed" in result.stderr


def test_exit_status_one_when_any_file_failed(folders: Folders) -> None:
    save_png(folders.input / "a.png", paint(scene(), box(120, 160, 10, 10, 30, 30)))
    save_png(folders.input / "b.png", scene())
    result = decensor(*_folder_args(folders), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [f["status"] for f in report["files"]] == ["restored", "failed"]
    assert "failed    b.png: no green" in result.stderr


def test_exit_status_two_for_usage_errors(folders: Folders) -> None:
    result = decensor("--input", str(folders.input / "nope"), "--output", str(folders.output))
    assert result.returncode == 2
    assert "input folder" in result.stderr and "does not exist" in result.stderr
    assert decensor("--variations", "3").returncode == 2
    assert (
        decensor("--censor", "mosaic", "--model", "telea", *_folder_args(folders)).returncode == 2
    )


def test_mosaic_mode_from_the_command_line(folders: Folders) -> None:
    hole = box(120, 160, 40, 30, 48, 40)
    save_png(folders.input / "m.png", paint(scene(), hole))
    save_png(folders.original / "m.png", scene())
    result = decensor(*_folder_args(folders), "--censor", "mosaic", "--variations", "2")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folders.output.iterdir()) == ["m_v1.png", "m_v2.png"]


def test_list_models_shows_name_architecture_censor_type_and_parameters() -> None:
    result = decensor("--list-models")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["NAME", "ARCHITECTURE", "CENSOR", "PARAMETERS"]
    assert any(line.split()[:3] == ["telea", "opencv-telea", "bar"] for line in lines)
    models = json.loads(decensor("--list-models", "--json").stdout)["models"]
    assert {"name", "architecture", "censor_types", "parameters"} <= set(models[0])


def test_quick_start_script_restores_into_the_output_folder(tmp_path: Path) -> None:
    """`./decensor.sh` is the README's first command; it forwards options to `decensor`."""
    if not (REPO / ".venv" / ".decensor-installed").exists():
        import pytest

        pytest.skip("the quick-start environment (.venv) is not set up in this checkout")
    (tmp_path / "in").mkdir()
    save_png(tmp_path / "in" / "s.png", paint(scene(), box(120, 160, 60, 40, 30, 30)))
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    result = subprocess.run(
        [str(REPO / "decensor.sh"), "--input", str(tmp_path / "in"), "--output",
         str(tmp_path / "out")],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    output = np.array(Image.open(tmp_path / "out" / "s.png"))
    assert not exact_green(output).any()


def test_the_shipped_sample_has_green_regions_to_restore() -> None:
    sample = np.array(Image.open(REPO / "decensor_input" / "sample.png").convert("RGB"))
    assert exact_green(sample).sum() > 1000


def test_average_flips_writes_one_result_and_refuses_several_variations(folders: Folders) -> None:
    greened = paint(scene(), box(120, 160, 40, 30, 48, 40))
    save_png(folders.input / "a.png", greened)
    refused = decensor(*_folder_args(folders), "--average-flips", "--variations", "2")
    assert refused.returncode == 2 and "use it with 1 variation" in refused.stderr
    result = decensor(*_folder_args(folders), "--average-flips")
    assert result.returncode == 0, result.stderr
    assert [p.name for p in folders.output.iterdir()] == ["a.png"]
    output = np.array(Image.open(folders.output / "a.png"))
    mask = green_mask(greened)
    assert np.array_equal(output[~mask], greened[~mask])
    assert not exact_green(output).any()


def test_default_folders_are_the_same_for_the_command_and_the_batch() -> None:
    from decensor_app.cli import build_parser
    from decensor_app.folders import DEFAULT_INPUT_DIR, DEFAULT_ORIGINAL_DIR, DEFAULT_OUTPUT_DIR

    args = build_parser().parse_args([])
    defaults = BatchOptions()
    assert args.input == defaults.input_dir == DEFAULT_INPUT_DIR
    assert args.original == defaults.original_dir == DEFAULT_ORIGINAL_DIR
    assert args.output == defaults.output_dir == DEFAULT_OUTPUT_DIR


def test_trainer_options_default_to_the_fields_of_the_options_they_fill() -> None:
    from decensor_app.trainer.cli import build_parser, dataclass_defaults
    from decensor_app.trainer.dataset import BuildOptions
    from decensor_app.trainer.run import FitConfig

    parser = build_parser()
    fit = vars(parser.parse_args(["fit", "--arch", "gated-conv", "--censor", "bar",
                                  "--data", "d", "--out", "o"]))  # fmt: skip
    fit_defaults = dataclass_defaults(FitConfig)
    assert fit_defaults["steps"] == 10_000 and fit_defaults["width"] is None
    assert {name: fit[name] for name in fit_defaults} == fit_defaults
    build = vars(parser.parse_args(["build-dataset", "--images", "a", "--out", "o"]))
    build_defaults = dataclass_defaults(BuildOptions)
    assert build_defaults["patch_size"] == 256
    assert {name: build[name] for name in build_defaults} == build_defaults
    # An option given on the command line still wins over the field's default.
    steps = parser.parse_args(["fit", "--arch", "gated-conv", "--censor", "bar",
                               "--data", "d", "--out", "o", "--steps", "7"]).steps  # fmt: skip
    assert steps == 7


# --- the messages in Japanese and Chinese -----------------------------------------------------


def _locale(lang: str) -> dict[str, str]:
    """The environment of a user whose system speaks ``lang``."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}  # fmt: skip
    return env | {"LANG": lang}


def test_the_messages_follow_language_or_the_system(folders: Folders) -> None:
    save_png(folders.input / "a.png", paint(scene(), box(120, 160, 10, 10, 30, 30)))
    japanese = decensor(*_folder_args(folders), "--language", "ja", "--json")
    assert japanese.returncode == 0, japanese.stderr
    assert "修復 1、スキップ 0、失敗 0" in japanese.stderr
    assert "restored" not in japanese.stderr.replace(str(folders.output), "")
    assert json.loads(japanese.stdout)["files"][0]["status"] == "restored"  # JSON stays as is
    chinese = decensor(*_folder_args(folders), "--language", "zh_CN", env=_locale("ja_JP.UTF-8"))
    assert "已修复 0，跳过 1，失败 0" in chinese.stderr  # noqa: RUF001 (the option wins)
    system = decensor(*_folder_args(folders), env=_locale("ja_JP.UTF-8"))
    assert "修復 0、スキップ 1、失敗 0" in system.stderr
    english = decensor(*_folder_args(folders), env=_locale("C.UTF-8"))
    assert "0 restored, 1 skipped, 0 failed" in english.stderr
    assert decensor("--language", "klingon").returncode == 2


def test_help_and_the_model_list_are_translated_and_line_up(folders: Folders) -> None:
    help_text = decensor("--language", "ja", "--help")
    assert help_text.returncode == 0, help_text.stderr
    assert "緑で塗った PNG のフォルダー（既定：decensor_input）" in help_text.stdout  # noqa: RUF001
    assert "このヘルプを表示して終了します" in help_text.stdout
    listed = decensor("--language", "zh_CN", "--list-models", "--models-dir", str(folders.input))
    lines = listed.stdout.splitlines()
    assert lines[0].split()[:4] == ["名称", "架构", "审查", "参数"]
    # Columns by terminal width: a wide letter takes two, so the second column lines up.
    header, telea = lines[0], next(line for line in lines if line.startswith("telea "))
    from decensor_app.cli import _columns

    start = header.index("架构")
    assert _columns(header[:start]) == telea.index("opencv-telea")


def test_the_command_imports_no_window_and_english_no_qt_at_all() -> None:
    code = (
        "import sys\n"
        "from decensor_app.cli import main\n"
        "main(['--language', sys.argv[1], '--list-models'])\n"
        "qt = any(name.startswith('PySide6') for name in sys.modules)\n"
        "shown = ('PySide6.Qt', 'decensor_app.gui')\n"
        "print(qt, sorted(n for n in sys.modules if n.startswith(shown)), file=sys.stderr)\n"
    )
    loaded = {}
    for language in ("en", "ja"):
        result = subprocess.run(
            [sys.executable, "-c", code, language], cwd=REPO, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        loaded[language] = result.stderr.strip().splitlines()[-1]
    assert loaded["en"] == "False []"  # English: nothing of PySide6 is imported
    assert loaded["ja"] == "True ['PySide6.QtCore']"  # the translator's module, no GUI one
