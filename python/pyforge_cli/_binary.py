"""Where the `pyforge` binary of this installation is, and running it with its
output copied into Python's `sys.stdout` / `sys.stderr` as it arrives."""

import codecs
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading

#: Overrides the binary (tests, or a binary kept elsewhere).
BIN_VARIABLE = "PYFORGE_BIN"


def find_pyforge_bin() -> str:
    """The `pyforge` binary installed with this package: `$PYFORGE_BIN`, else the
    scripts folder of this environment, else of the user scheme (`pip install
    --user`), else `pyforge` on PATH."""
    given = os.environ.get(BIN_VARIABLE)
    if given:
        return given
    exe = "pyforge" + (sysconfig.get_config_var("EXE") or "")
    candidates = [os.path.join(sysconfig.get_path("scripts"), exe)]
    try:
        scheme = sysconfig.get_preferred_scheme("user")
        candidates.append(os.path.join(sysconfig.get_path("scripts", scheme=scheme), exe))
    except (AttributeError, KeyError):
        pass
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    found = shutil.which(exe)
    if found:
        return found
    raise FileNotFoundError(
        "the pyforge binary of the pyforge-cli wheel was not found in "
        + ", ".join(candidates)
        + " or on PATH (reinstall with `pip install --force-reinstall pyforge-cli`)"
    )


def _copy(pipe, stream_name: str) -> None:
    """Copies a child's pipe into `sys.<stream_name>` chunk by chunk (UTF-8,
    invalid bytes replaced), looking the stream up at each write so a cell's
    redirection in force at that moment gets it."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    fd = pipe.fileno()
    while True:
        chunk = os.read(fd, 65536)
        text = decoder.decode(chunk, final=not chunk)
        if text:
            stream = getattr(sys, stream_name)
            stream.write(text)
            stream.flush()
        if not chunk:
            break
    pipe.close()


def _inherits_real_streams() -> bool:
    """Whether Python's streams are the process's own (a terminal or a file
    the caller redirected): then the child writes there directly, progress
    bars included."""
    return sys.stdout is sys.__stdout__ and sys.stderr is sys.__stderr__


def run(args) -> int:
    """Runs `pyforge ARGS` and returns its exit code. Its stdout and stderr
    reach `sys.stdout` and `sys.stderr` as they arrive (a notebook cell shows
    them). An interrupt (KeyboardInterrupt) is passed on to pyforge, which
    stops cleanly, leaving no partial output; then it is raised again."""
    binary = find_pyforge_bin()
    command = [binary, *[os.fspath(a) for a in args]]
    if _inherits_real_streams():
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        threads = []
    else:
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        threads = [
            threading.Thread(target=_copy, args=(child.stdout, "stdout"), daemon=True),
            threading.Thread(target=_copy, args=(child.stderr, "stderr"), daemon=True),
        ]
        for thread in threads:
            thread.start()
    try:
        code = child.wait()
    except KeyboardInterrupt:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise
    finally:
        for thread in threads:
            thread.join()
    # A child killed by a signal: the shell's convention, 128 + the signal.
    return code if code >= 0 else 128 - code
