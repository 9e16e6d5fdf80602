"""Batch defects of issue 18 (data loss, wrong results, messages, leftovers), each on real files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from decensor_app.masks import exact_green
from decensor_app.pipeline import Progress, UsageError, run_batch
from tests.conftest import Folders, box, paint, save_png, scene

REPO = Path(__file__).resolve().parents[1]
HOLE = box(120, 160, 50, 40, 40, 30)


def _bar_input(folders: Folders, name: str = "pic.png", seed: int = 0) -> Path:
    return save_png(folders.input / name, paint(scene(seed=seed), HOLE))


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "decensor_app", *args],
        cwd=REPO, capture_output=True, timeout=300, env=env,
    )  # fmt: skip


# --- D3: the output folder must stay clear of the originals -----------------------------------


def test_output_folder_equal_to_inside_or_containing_an_input_folder_is_refused(
    folders: Folders, tmp_path: Path
) -> None:
    save_png(folders.original / "m.png", scene())
    _bar_input(folders, "m.png")
    before = (folders.original / "m.png").read_bytes()
    link = tmp_path / "link-to-originals"
    link.symlink_to(folders.original)
    for output in (
        folders.original,
        folders.original / "results",
        tmp_path,  # contains both input folders
        link,
        folders.input / "results",
    ):
        with pytest.raises(UsageError, match="output folder"):
            run_batch(folders.options(censor="mosaic", output_dir=output, overwrite=True))
    assert not (folders.original / "results").exists()  # refused before creating anything
    assert not (folders.input / "results").exists()
    assert sorted(p.name for p in folders.original.iterdir()) == ["m.png"]
    assert (folders.original / "m.png").read_bytes() == before


# --- D4: a result that another run wrote meanwhile is never replaced ---------------------------


def test_a_result_written_meanwhile_by_another_run_is_kept_and_reported_skipped(
    folders: Folders,
) -> None:
    _bar_input(folders, "a.png")
    other_runs_result = folders.output / "a.png"

    def other_run_finishes_first(event: Progress) -> None:
        if event.region_count and not other_runs_result.exists():
            other_runs_result.write_bytes(b"the other run's result")

    report = run_batch(folders.options(), progress=other_run_finishes_first)
    assert other_runs_result.read_bytes() == b"the other run's result"
    assert report.files[0].status == "skipped", report.files[0].error
    assert "another run" in report.files[0].error
    assert [p.name for p in folders.output.iterdir()] == ["a.png"]  # no temporary left


def test_publishing_without_replacing_refuses_an_existing_name_and_removes_the_temporary(
    tmp_path: Path,
) -> None:
    from decensor_app.imaging import publish_without_replacing

    temp, final = tmp_path / ".a.abcdefgh.partial", tmp_path / "a.png"
    temp.write_bytes(b"new")
    publish_without_replacing(temp, final)
    assert final.read_bytes() == b"new" and not temp.exists()
    temp.write_bytes(b"newer")
    with pytest.raises(FileExistsError):
        publish_without_replacing(temp, final)
    assert final.read_bytes() == b"new" and not temp.exists()


# --- D6, D7, D29: originals -------------------------------------------------------------------


def test_an_original_that_still_has_the_green_paint_fails_the_file(folders: Folders) -> None:
    _bar_input(folders, "m.png")
    report = run_batch(folders.options(censor="mosaic", original_dir=folders.input))
    result = report.files[0]
    assert result.status == "failed"
    assert "green" in result.error and "original" in result.error
    assert not any(folders.output.iterdir())


def test_a_size_mismatch_that_is_only_a_rotation_says_so(folders: Folders) -> None:
    _bar_input(folders, "m.png")  # 160x120
    save_png(folders.original / "m.png", scene(120, 160))
    error = run_batch(folders.options(censor="mosaic")).files[0].error
    assert "size mismatch" in error and "rotat" in error


def test_a_broken_original_is_named_with_its_folder(folders: Folders) -> None:
    _bar_input(folders, "m.png")
    (folders.original / "m.png").write_bytes(b"not a picture at all")
    error = run_batch(folders.options(censor="mosaic")).files[0].error
    assert str(folders.original / "m.png") in error


# --- D11, D12, D15, D30: names and paths ------------------------------------------------------


def test_an_input_name_near_the_file_system_limit_is_restored(folders: Folders) -> None:
    stem = "é" * 125  # 250 bytes in UTF-8; the output name is 254 bytes, under the 255 limit
    _bar_input(folders, f"{stem}.png")
    result = run_batch(folders.options()).files[0]
    assert result.status == "restored", result.error
    assert [p.name for p in folders.output.iterdir()] == [f"{stem}.png"]


def test_an_output_path_that_is_a_folder_fails_with_a_reason(folders: Folders) -> None:
    _bar_input(folders, "a.png")
    (folders.output / "a.png").mkdir(parents=True)
    for overwrite in (False, True):
        result = run_batch(folders.options(overwrite=overwrite)).files[0]
        assert result.status == "failed", (overwrite, result.error)
        assert "is a folder" in result.error
    assert (folders.output / "a.png").is_dir()


def test_a_failed_auto_mask_input_does_not_take_the_output_name_of_its_namesake(
    folders: Folders,
) -> None:
    from tests.test_auto_mask import mosaic_picture

    clean, censored, _ = mosaic_picture()
    Image.fromarray(clean).save(folders.input / "m.jpg", quality=95)  # no mosaic: fails
    save_png(folders.input / "m.png", censored)
    report = run_batch(folders.options(censor="mosaic", auto_mask=True, model="mosaic-bicubic"))
    results = {r.input.name: r for r in report.files}
    assert results["m.jpg"].status == "failed"
    assert results["m.png"].status == "restored", results["m.png"].error


def test_dangling_and_looping_png_symlinks_are_listed_as_failed(folders: Folders) -> None:
    _bar_input(folders, "good.png")
    (folders.input / "dangling.png").symlink_to(folders.input / "missing.png")
    (folders.input / "loop.png").symlink_to(folders.input / "loop.png")
    report = run_batch(folders.options())
    results = {r.input.name: r for r in report.files}
    assert results["good.png"].status == "restored"
    assert results["dangling.png"].status == "failed"
    assert "missing.png" in results["dangling.png"].error
    assert results["loop.png"].status == "failed"
    assert "symbolic link" in results["loop.png"].error


# --- D31 --------------------------------------------------------------------------------------


def test_an_input_that_is_a_file_is_refused_as_not_a_folder(folders: Folders) -> None:
    picture = _bar_input(folders, "a.png")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        run_batch(folders.options(input_dir=picture))
    result = _cli("--input", str(picture), "--output", str(folders.output))
    assert result.returncode == 2 and b"is a file, not a folder" in result.stderr


# --- D19: --json with a file name that is not UTF-8 -------------------------------------------


@pytest.mark.parametrize(
    "locale_env",
    [{"LC_ALL": "C.UTF-8"}, {"PYTHONUTF8": "1"}, {"PYTHONIOENCODING": "utf-8:strict"}],
)
def test_json_report_with_a_non_utf8_file_name_is_ascii_and_lossless(
    folders: Folders, locale_env: dict[str, str]
) -> None:
    name = b"caf\xe9.png"  # Latin-1: not valid UTF-8
    path = Path(os.fsdecode(os.path.join(os.fsencode(folders.input), name)))
    save_png(path, paint(scene(), HOLE))
    env = {**os.environ, **locale_env}
    result = _cli(
        "--input", str(folders.input), "--output", str(folders.output), "--json", env=env
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    result.stdout.decode("ascii")  # pure ASCII
    report = json.loads(result.stdout)
    assert os.fsencode(report["files"][0]["input"]).endswith(name)
    assert os.path.exists(os.fsencode(report["files"][0]["output"]))


# --- D26, D27: interrupted runs ---------------------------------------------------------------


def test_stale_temporaries_in_the_output_folder_are_removed_at_the_next_run(
    folders: Folders,
) -> None:
    _bar_input(folders, "a.png")
    folders.output.mkdir()
    stale = [folders.output / ".a.k3x_9q0z.partial", folders.output / "..b.abcdefgh.partial"]
    kept = [folders.output / ".notes.partial", folders.output / "user.abcdefgh.partial"]
    for path in stale + kept:
        path.write_bytes(b"left by a killed run")
    in_input = folders.input / ".c.abcdefgh.partial"
    in_input.write_bytes(b"not ours to clean")
    assert run_batch(folders.options()).files[0].status == "restored"
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in kept) and in_input.exists()


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_or_terminate_signal_still_prints_the_json_report_marked_cancelled(
    folders: Folders, signal_number: int
) -> None:
    big_hole = box(300, 400, 50, 50, 250, 200)
    for index in range(40):
        save_png(folders.input / f"{index:02}.png", paint(scene(400, 300, seed=index), big_hole))
    process = subprocess.Popen(
        [sys.executable, "-m", "decensor_app", "--input", str(folders.input),
         "--output", str(folders.output), "--json"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not (folders.output / "00.png").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal_number)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr.decode(errors="replace")
    report = json.loads(stdout)
    assert report["cancelled"] is True
    assert report["files"][0]["status"] == "restored"
    assert len(report["files"]) < 40
    assert not [p.name for p in folders.output.iterdir() if p.name.endswith(".partial")]
    for path in folders.output.iterdir():  # every output left is complete
        assert not exact_green(np.array(Image.open(path).convert("RGB"))).any()


def test_a_broken_default_manifest_is_listed_and_fails_the_run_instead_of_falling_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from decensor_app.cli import main

    models = tmp_path / "models"
    models.mkdir()
    (models / "half.json").write_text('{"name": "half", "default_for": ["bar"], "arch')
    assert main(["--list-models", "--models-dir", str(models)]) == 0
    listed = capsys.readouterr().out
    assert "BROKEN" in listed and "half.json" in listed
    assert main(["--list-models", "--json", "--models-dir", str(models)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [Path(item["manifest"]).name for item in report["broken"]] == ["half.json"]
    inputs, outputs = tmp_path / "in", tmp_path / "out"
    picture = scene()
    save_png(inputs / "a.png", paint(picture, box(120, 160, 40, 30, 30, 20)))
    code = main(["--input", str(inputs), "--output", str(outputs), "--models-dir", str(models)])
    assert code == 2  # not a silent Telea run
    assert "half.json" in capsys.readouterr().err
    assert not (outputs / "a.png").exists()
