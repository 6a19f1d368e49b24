"""Replacing a file atomically without undoing what the user set up around it.

A symlink is written through (its target is replaced, the link stays), the replaced file's mode
(and, where allowed, owner) is kept, and temporary files a killed save left behind are removed
by the next save of the same file. Each writer holds a lock on its temporary file while it
writes, so a temporary file nobody holds belongs to a process that died.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
import time
from contextlib import suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: stale files are judged by age alone
    fcntl = None  # type: ignore[assignment]

STALE_AFTER_S = 60.0  # where locks do not work: a temporary file this old is abandoned


def _read_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


UMASK = _read_umask()  # read once: os.umask() is process-wide and not safe to call from threads


def real_target(path: Path) -> Path:
    """The file a save replaces: a symlink's final target, so the link itself stays."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def is_read_only(path: Path) -> bool:
    """Whether an existing file (a symlink: its target) is marked read-only or not writable
    by this user (root may write any file; the mode bits still say the user wants it kept)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISREG(mode) and (mode & 0o222 == 0 or not os.access(path, os.W_OK))


def may_replace(path: Path, force: bool = False) -> bool:
    """False for a read-only file the caller was not allowed (force, a confirmation) to replace."""
    return force or not is_read_only(path)


def write_atomic(path: Path, data: bytes, keep_backup: bool = False, durable: bool = True) -> None:
    """Write to a temporary file beside `path` (a symlink: beside its target), fsync, then
    rename over it, keeping the replaced file's mode.

    Whatever fails on the way, the previous file stays as it was and no temporary file is left.
    `durable=False` skips the fsyncs (the rename stays atomic) and the clean-up of earlier
    temporaries: for exports of thousands of files, where a crash means exporting again, not
    losing work, and scanning the folder per file would cost more than the writing.
    """
    target = real_target(path)
    folder = target.parent if str(target.parent) else Path(".")
    handle, tmp = _locked_temporary(folder, target.name)
    try:
        # The file stays open (and locked) until it is renamed: no other save takes it for stale.
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
            _take_mode(tmp, target)
            if keep_backup and target.exists():
                _copy_backup(target)
            os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_folder(folder)
        remove_stale_temporaries(target)


def _locked_temporary(folder: Path, name: str) -> tuple[int, Path]:
    """A new temporary file, locked: while it is held no other save takes it for stale."""
    for _ in range(10):
        handle, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        if _held(handle, tmp_name):
            return handle, Path(tmp_name)
        os.close(handle)  # another save's clean-up took it in the instant before the lock
    raise OSError(errno.EAGAIN, "other saves keep taking the temporary file")


def _held(handle: int, tmp_name: str) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        return True  # a file system without locks: other saves judge this file by its age
    try:  # still under its name, not removed by a clean-up that held it a moment ago
        return os.path.samestat(os.fstat(handle), os.lstat(tmp_name))
    except OSError:
        return False


def _take_mode(tmp: Path, target: Path) -> None:
    """The replaced file's owner and mode; a new file's mode as the umask gives (mkstemp made
    it 0600)."""
    try:
        old = target.stat()
    except OSError:
        os.chmod(tmp, 0o666 & ~UMASK)
        return
    if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        with suppress(OSError):  # only root may give a file away; the mode is kept anyway
            os.chown(tmp, old.st_uid, old.st_gid)
    os.chmod(tmp, stat.S_IMODE(old.st_mode))


def _copy_backup(path: Path) -> None:
    backup = path.with_name(path.name + ".bak")
    handle, tmp = _locked_temporary(path.parent, backup.name)
    try:
        with os.fdopen(handle, "wb") as stream, path.open("rb") as source:
            while chunk := source.read(1 << 20):
                stream.write(chunk)
            stream.flush()
            shutil.copystat(path, tmp)  # as copy2 did: the backup keeps the mode and times
            os.replace(tmp, backup)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename has happened either way
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temporary_pattern(name: str) -> re.Pattern[str]:
    """The names of the temporary files of file `name` and its backup (mkstemp's 8 random
    characters; `.NAME.bak.tmp` was the backup's before)."""
    random_part = "[a-z0-9_]{8}"
    escaped = re.escape(name)
    return re.compile(rf"\.{escaped}\.(?:{random_part}|bak\.{random_part}|bak)\.tmp")


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporary files of `target` that no live writer holds: what a killed save
    left. Only names of the exact pattern are touched; the removed files are returned."""
    pattern = temporary_pattern(target.name)
    folder = target.parent if str(target.parent) else Path(".")
    removed = []
    try:
        entries = [e for e in os.scandir(folder) if pattern.fullmatch(e.name)]
    except OSError:
        return []
    for entry in entries:
        if entry.is_file(follow_symlinks=False) and _remove_if_abandoned(Path(entry.path)):
            removed.append(Path(entry.path))
    return removed


def _remove_if_abandoned(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False  # gone meanwhile (renamed into place), or not ours to open
    try:
        if not _abandoned(fd):
            return False
        # Still the same file under that name (not renamed away and the name reused)?
        if os.path.samestat(os.fstat(fd), os.lstat(path)):
            os.unlink(path)
            return True
        return False
    except OSError:
        return False
    finally:
        os.close(fd)


def _abandoned(fd: int) -> bool:
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True  # held until closed, after the unlink: no writer can take it back
        except BlockingIOError:
            return False  # a live save is writing it
        except OSError:
            pass  # no locks here: judge by age
    return time.time() - os.fstat(fd).st_mtime > STALE_AFTER_S
