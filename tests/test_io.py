"""Output paths: only regular files or new names are written, atomically; interrupted writes leave nothing."""
import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from heavytail_sim.errors import UsageError
from heavytail_sim.io import (TEMP_PREFIX, atomic_path, check_output_file, check_writable_file, ensure_dir,
                              output_dir, remove_stale_temps, temp_target, write_text)

ROOT = Path(__file__).parents[1]


def _one_line(exc_info) -> str:
    msg = str(exc_info.value)
    assert "\n" not in msg
    return msg


@pytest.fixture()
def specials(tmp_path):
    """Non-regular things at output paths: folder, symlinks (to a file, dangling), fifo, socket."""
    real = tmp_path / "real.csv"
    real.write_text("keep me")
    (tmp_path / "folder").mkdir()
    (tmp_path / "link.csv").symlink_to(real)
    (tmp_path / "dangling.csv").symlink_to(tmp_path / "nowhere.csv")
    os.mkfifo(tmp_path / "fifo.csv")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock.csv"))
    yield {"folder": "a directory", "link.csv": "symbolic link", "dangling.csv": "symbolic link",
           "fifo.csv": "a fifo", "sock.csv": "a socket"}
    sock.close()


def _device(tmp_path) -> Path:
    """A character device node of our own (a copy of /dev/null's numbers); skips where mknod is not allowed."""
    dev = tmp_path / "dev.csv"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    return dev


def test_new_and_existing_regular_files(tmp_path):
    new = tmp_path / "r.csv"
    assert check_output_file(new, flag="--out") == new
    new.write_text("old result")
    with pytest.raises(UsageError) as exc:
        check_output_file(new, flag="--out", overwrite=False)
    assert _one_line(exc) == f"--out: '{new}' exists; pass --force to replace it"
    assert check_output_file(new, flag="--out", overwrite=True) == new
    assert check_writable_file(new) == new  # studies regenerate their outputs by design


def test_non_regular_targets_are_refused_naming_the_flag(tmp_path, specials):
    for name, words in specials.items():
        for check in (lambda p: check_output_file(p, flag="--out", overwrite=True),
                      lambda p: check_writable_file(p, flag="--out")):
            with pytest.raises(UsageError) as exc:
                check(tmp_path / name)
            msg = _one_line(exc)
            assert msg.startswith("--out: ") and words in msg, msg
    # nothing was followed or replaced
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "real.csv").read_text() == "keep me"
    assert (tmp_path / "dangling.csv").is_symlink() and not (tmp_path / "nowhere.csv").exists()


def test_dev_null_is_refused_before_any_work():
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null on this system (not POSIX): the real device node cannot be tried")
    with pytest.raises(UsageError) as exc:
        check_output_file("/dev/null", flag="--out", overwrite=True)
    assert "character device" in _one_line(exc)
    with pytest.raises(UsageError, match="character device"):
        check_writable_file("/dev/null")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_missing_or_non_folder_parent(tmp_path):
    with pytest.raises(UsageError) as exc:
        check_output_file(tmp_path / "missing" / "r.csv", flag="--out")
    assert "does not exist" in _one_line(exc)
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="not a directory"):
        check_output_file(tmp_path / "file" / "r.csv", flag="--out")
    with pytest.raises(UsageError, match="not a directory"):
        ensure_dir(tmp_path / "file", flag="--out")


def test_atomic_writers_refuse_non_regular_targets(tmp_path, specials):
    targets = list(specials)
    for name in targets:
        with pytest.raises(UsageError):
            write_text(tmp_path / name, "x")
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "real.csv").read_text() == "keep me"
    assert stat.S_ISFIFO(os.lstat(tmp_path / "fifo.csv").st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_a_device_node_is_never_replaced(tmp_path):
    dev = _device(tmp_path)
    with pytest.raises(UsageError, match="character device"):
        write_text(dev, "x")
    assert stat.S_ISCHR(os.lstat(dev).st_mode)


@pytest.mark.parametrize("intruder", ["symlink", "folder", "device"])
def test_target_replaced_during_the_write_is_refused_at_rename(tmp_path, intruder):
    target = tmp_path / "out.csv"
    (tmp_path / "elsewhere").write_text("not yours")
    with pytest.raises(UsageError):
        with atomic_path(target) as tmp:
            tmp.write_text("result")
            if intruder == "symlink":
                target.symlink_to(tmp_path / "elsewhere")
            elif intruder == "folder":
                target.mkdir()
            else:
                try:
                    os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 3))
                except (PermissionError, OSError) as exc:
                    pytest.skip(f"cannot create a device node here: {exc}")
    assert (tmp_path / "elsewhere").read_text() == "not yours"
    assert not target.is_file() or target.is_symlink()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


WRITER = textwrap.dedent('''
    import sys, time
    sys.path.insert(0, {root!r})
    from heavytail_sim.io import atomic_path
    with atomic_path({target!r}) as tmp:
        tmp.write_text("half a table")
        print(tmp, flush=True)
        sys.stdin.readline()  # holds the write open until told (or killed)
''')


def _start_writer(target: Path):
    proc = subprocess.Popen([sys.executable, "-c", WRITER.format(root=str(ROOT), target=str(target))],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    tmp = Path(proc.stdout.readline().strip())
    assert tmp.is_file() and tmp.parent == target.parent
    return proc, tmp


def test_sigkill_leftover_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "lower_bound.png"
    proc, tmp = _start_writer(target)
    assert tmp.name.startswith(f"{TEMP_PREFIX}lower_bound.png.") and tmp.name.endswith(".png")
    os.kill(proc.pid, signal.SIGKILL)  # no cleanup can run
    proc.wait()
    assert tmp.exists() and not target.exists() and temp_target(tmp) == "lower_bound.png"
    (tmp_path / "other.csv").write_text("user data")
    write_text(target, "complete")
    assert target.read_text() == "complete" and not tmp.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lower_bound.png", "other.csv"]


def test_sigkill_leftovers_are_removed_when_a_study_opens_its_folder(tmp_path):
    leftovers = []
    for name in ("a.csv", "b.md"):
        proc, tmp = _start_writer(tmp_path / name)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        leftovers.append(tmp)
    assert all(t.exists() for t in leftovers)
    ensure_dir(tmp_path)
    assert not any(t.exists() for t in leftovers) and list(tmp_path.iterdir()) == []


def test_a_live_writer_keeps_its_temp_file(tmp_path):
    target = tmp_path / "table.csv"
    proc, tmp = _start_writer(target)
    try:
        assert remove_stale_temps(tmp_path) == [] and tmp.exists()
        write_text(target, "from the second writer")  # the same target written meanwhile: both succeed
        assert tmp.exists()
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert target.read_text() == "half a table" and not tmp.exists()  # the later rename wins


def test_only_the_packages_temp_files_are_recognised(tmp_path):
    (tmp_path / "data").write_text("x")
    ours = [".lower_bound.png.k2_x9aqz.png",  # the older naming, for a file type the package writes
            ".data.abcdefgh.tmp",  # the older naming, for a suffix-less target that exists
            f"{TEMP_PREFIX}rates.csv.0123abcd.csv", f"{TEMP_PREFIX}notes.abcdefgh.tmp"]
    theirs = [".bashrc", ".notes.personal.txt", ".lower_bound.png.abc123.png",  # 6 random chars: not mkstemp
              ".config.abcdefgh.tmp",  # older naming but no such target and no output suffix
              ".rates.csv.ABCDEFGH.csv", f"{TEMP_PREFIX}rates.csv.0123abcd.png", "lower_bound.png.abcdefgh.png"]
    for name in ours + theirs:
        (tmp_path / name).write_text("x")
    (tmp_path / f"{TEMP_PREFIX}link.csv.abcdefgh.csv").symlink_to(tmp_path / "data")  # links are not ours
    removed = remove_stale_temps(tmp_path)
    assert sorted(p.name for p in removed) == sorted(ours)
    left = {p.name for p in tmp_path.iterdir()}
    assert left == set(theirs) | {"data", f"{TEMP_PREFIX}link.csv.abcdefgh.csv"}
    assert remove_stale_temps(tmp_path, target="x.csv") == []


def test_output_dir_removes_only_what_it_created_and_only_if_empty(tmp_path):
    fresh = tmp_path / "a" / "b" / "c"
    with pytest.raises(UsageError):
        with output_dir(fresh) as out:
            assert out.is_dir()
            raise UsageError("--set runs: must be >= 1")
    assert list(tmp_path.iterdir()) == []  # the three folders it made are gone

    (tmp_path / "existing").mkdir()
    with pytest.raises(KeyboardInterrupt):
        with output_dir(tmp_path / "existing" / "new"):
            raise KeyboardInterrupt
    assert (tmp_path / "existing").is_dir() and list((tmp_path / "existing").iterdir()) == []

    with pytest.raises(RuntimeError):
        with output_dir(tmp_path / "w") as out:
            write_text(out / "log.txt", "partial log")
            raise RuntimeError("late failure")
    assert (tmp_path / "w" / "log.txt").read_text() == "partial log"  # never delete files

    with output_dir(tmp_path / "ok") as out:
        write_text(out / "t.csv", "x")
    assert (tmp_path / "ok" / "t.csv").exists()


def test_outputs_are_not_private(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    path = write_text(tmp_path / "t.md", "x")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~umask
