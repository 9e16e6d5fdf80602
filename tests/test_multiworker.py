"""``fit --strategy multiworker`` for real: two worker processes on localhost.

Each worker is ``decensor-train fit`` in its own process, told the cluster by ``TF_CONFIG``
(ports chosen free at test time), on one CPU thread so that the two share CI's two cores. They
must train exactly like one process on the same global batch, and a cluster that lost a worker
must resume from the chief's newest checkpoint when both are started again. A worker whose peer
died fails or waits in a collective, so every wait has a timeout and every worker is killed
with its process group at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from decensor_app.trainer.run import RunDir, read_checkpoint
from tests import test_trainer
from tests.test_trainer import REPO, _fit_args, _losses, _train

# The trainer tests' module fixture: one tiny dataset.
dataset = test_trainer.dataset

#: A tinier network and crop than test_trainer's runs: two workers train it on two cores.
TINY = ("--size", "32", "--width", "4")
STEPS = 6
#: Seconds a worker may take to start, trace and train (CI's cores are shared and slow).
TIMEOUT = 300


@pytest.fixture(scope="module")
def reference(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run trained in one process (default strategy) on the same global batch of 4."""
    run = tmp_path_factory.mktemp("one-process") / "run"
    result = _train(dataset, run, *TINY, steps=STEPS)
    assert result.returncode == 0, result.stderr[-2000:]
    return run


def _free_ports(count: int) -> list[int]:
    """``count`` distinct ports free on 127.0.0.1 now (bound to port 0 together, then closed)."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


@dataclass
class Worker:
    """One worker process and the file its stderr goes to."""

    process: subprocess.Popen[bytes]
    stderr_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (a worker waiting on a dead peer never
        returns by itself)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=60)


@contextlib.contextmanager
def _cluster(
    dataset: Path, outs: list[Path], logs: Path, steps: Sequence[int] = (STEPS, STEPS)
) -> Iterator[list[Worker]]:
    """The workers of one run, worker i with ``--out outs[i]`` (the same folder for a shared
    disk, or one per machine) and ``--steps steps[i]``; killed on leaving, whatever happened."""
    ports = _free_ports(len(outs))
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    logs.mkdir(parents=True, exist_ok=True)
    workers: list[Worker] = []
    try:
        for index, out in enumerate(outs):
            env = {
                **os.environ,
                "TF_CONFIG": json.dumps(
                    {"cluster": cluster, "task": {"type": "worker", "index": index}}
                ),
                "CUDA_VISIBLE_DEVICES": "",
                "TF_NUM_INTRAOP_THREADS": "1",
                "TF_NUM_INTEROP_THREADS": "1",
                "OMP_NUM_THREADS": "1",
            }
            argv = _fit_args(dataset, out, *TINY, "--strategy", "multiworker", steps=steps[index])
            stderr_path = logs / f"worker{index}.log"
            with open(stderr_path, "wb") as stderr:
                process = subprocess.Popen(
                    [sys.executable, "-m", "decensor_app.trainer", *argv], cwd=REPO, env=env,
                    stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
                )  # fmt: skip
            workers.append(Worker(process, stderr_path))
        yield workers
    finally:
        for worker in workers:
            worker.kill()


def _exit_codes(workers: list[Worker]) -> list[int | None]:
    """Every worker's exit status (None: still running at the timeout)."""
    deadline = time.monotonic() + TIMEOUT
    codes: list[int | None] = []
    for worker in workers:
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=max(deadline - time.monotonic(), 1))
        codes.append(worker.process.poll())
    return codes


def _finish(workers: list[Worker]) -> None:
    """Wait for every worker to exit 0, within the timeout."""
    for index, code in enumerate(_exit_codes(workers)):
        assert code == 0, f"worker {index} exited {code}:\n{workers[index].stderr()[-3000:]}"


def _assert_same_training(run: Path, reference: Path, step: int) -> None:
    """``run``'s checkpoint at ``step`` holds the reference's variables: counters equal, and
    each group's floats within a thousandth of what two training steps change in it (the
    reference's checkpoint two steps before), so wrong data or a wrong average would show."""
    name = f"ckpt-{step:08d}.npz"
    got = read_checkpoint(run / "checkpoints" / name)
    want = read_checkpoint(reference / "checkpoints" / name)
    before = read_checkpoint(reference / "checkpoints" / f"ckpt-{step - 2:08d}.npz")
    assert sorted(got) == sorted(want)
    for group in ("generator", "discriminator", "g_optimizer", "d_optimizer"):
        keys = [key for key in want if key.startswith(f"{group}/")]
        floats = [key for key in keys if want[key].dtype.kind == "f"]
        for key in set(keys) - set(floats):
            assert np.array_equal(got[key], want[key]), key
        worst = max(float(np.abs(got[k] - want[k]).max()) for k in floats)
        change = max(float(np.abs(want[k] - before[k]).max()) for k in floats)
        assert change > 0, group
        assert worst <= 1e-3 * change, (group, worst, change)
    assert int(got["step"]) == step


def _assert_same_losses(run: Path, reference: Path, steps: int) -> None:
    """``run``'s log has every step 1..steps once, with the reference's losses."""
    logged = [record["step"] for record in RunDir(run).read_log()]
    assert logged == list(range(1, steps + 1))
    want = _losses(reference)
    for step, loss in _losses(run).items():
        assert loss == pytest.approx(want[step], rel=1e-4, abs=1e-6), step


@pytest.mark.slow  # two worker processes
def test_two_workers_train_like_one_process_on_the_same_global_batch(
    dataset: Path, reference: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    # Both workers are given the same folder (a shared disk): only the chief may write to it.
    with _cluster(dataset, [run, run], tmp_path / "logs", steps=(4, 4)) as workers:
        _finish(workers)
    chief, other = (worker.stderr() for worker in workers)
    assert "on 2 replica(s)" in chief
    assert "worker 1 is not the chief" in other
    _assert_same_losses(run, reference, 4)
    _assert_same_training(run, reference, 4)
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == [
        "ckpt-00000002.npz", "ckpt-00000004.npz"
    ]  # fmt: skip
    assert list((run / "tensorboard").iterdir())


@pytest.mark.slow  # two worker processes, one killed, then both started again
def test_a_cluster_that_lost_a_worker_resumes_from_the_chiefs_newest_checkpoint(
    dataset: Path, reference: Path, tmp_path: Path
) -> None:
    run, elsewhere = tmp_path / "run", tmp_path / "worker1-machine"
    first_checkpoint = run / "checkpoints" / "ckpt-00000002.npz"
    with _cluster(dataset, [run, elsewhere], tmp_path / "first") as workers:
        deadline = time.monotonic() + TIMEOUT
        while not first_checkpoint.exists():
            for index, worker in enumerate(workers):
                assert worker.process.poll() is None, f"worker {index}:\n{worker.stderr()[-3000:]}"
            assert time.monotonic() < deadline, workers[0].stderr()[-3000:]
            time.sleep(0.02)
        workers[1].kill()
        # The chief's next all-reduce fails on the reset connection (on localhost at once) or
        # waits for the dead worker: give it a while, then kill it as a job restart would.
        with contextlib.suppress(subprocess.TimeoutExpired):
            workers[0].process.wait(timeout=30)
        workers[0].kill()
    newest = RunDir(run).latest_checkpoint()
    assert newest is not None
    saved = int(read_checkpoint(newest)["step"])
    assert saved < STEPS  # killed before the end: the rest is trained after the restart

    with _cluster(dataset, [run, elsewhere], tmp_path / "second") as workers:
        _finish(workers)
    chief, other = (worker.stderr() for worker in workers)
    assert f"resumed {run} at step {saved} from {newest.name}" in chief
    assert f"starting at step {saved} with the chief's variables" in other
    assert not elsewhere.exists()  # the chief's state came over the wire, not from a folder
    _assert_same_losses(run, reference, STEPS)
    _assert_same_training(run, reference, STEPS)


@pytest.mark.slow  # two worker processes
def test_workers_started_with_other_settings_all_stop_with_the_reason(
    dataset: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    # Worker 1 would train two steps more than the chief: it would wait for it forever.
    with _cluster(dataset, [run, run], tmp_path / "logs", steps=(4, 6)) as workers:
        assert _exit_codes(workers) == [1, 1]
    reason = "1 of 2 replicas run other settings or another dataset than the chief"
    for worker in workers:
        assert reason in worker.stderr()
    assert not list((run / "checkpoints").iterdir())
