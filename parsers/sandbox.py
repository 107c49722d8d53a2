"""Run an extractor on untrusted bytes in a child process with a deadline and a memory ceiling.

pdfminer decompresses every stream without a size limit and can loop for a long time on a
crafted file; none of that can be interrupted from inside the same process. So the PDF reader
runs in a forked child: it gets :data:`MEMORY_BYTES` of address space beyond what the parent
already has, the parent kills it after :data:`SECONDS`, and whatever goes wrong in it comes back
as :class:`UnreadableDocument`. A fork costs a few milliseconds (the parent's pages are shared
copy-on-write, and ``gc.freeze`` keeps the child's collector from touching, hence copying, them),
against tens of milliseconds per PDF page of actual work. Linux only (``fork``, ``/proc``).
"""

from __future__ import annotations

import gc
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from functools import wraps

from parsers.document import Document
from parsers.errors import UnreadableDocument

SECONDS = 60.0
MEMORY_BYTES = 1 << 30
_RESULT_LIMIT = 256 << 20  # a Document of a real report pickles to well under 1 MB
_CHUNK = 1 << 16


def bounded(extractor: Callable[[bytes], Document], *, seconds: float = SECONDS,
            memory_bytes: int = MEMORY_BYTES) -> Callable[[bytes], Document]:
    """``extractor`` run by :func:`run_bounded`; the wrapper keeps its name and docstring."""

    @wraps(extractor)
    def run(data: bytes) -> Document:
        return run_bounded(extractor, data, seconds=seconds, memory_bytes=memory_bytes)

    return run


def run_bounded(extractor: Callable[[bytes], Document], data: bytes, *, seconds: float = SECONDS,
                memory_bytes: int = MEMORY_BYTES) -> Document:
    """``extractor(data)`` in a forked child; raises :class:`UnreadableDocument` on any failure,
    on running out of memory and on passing the deadline."""
    read_end, write_end = os.pipe()
    gc.freeze()  # the child's collector then skips the parent's objects instead of copying their pages
    try:
        pid = os.fork()
    except OSError as exc:
        gc.unfreeze()
        os.close(read_end)
        os.close(write_end)
        raise UnreadableDocument(f"cannot start the document reader: {exc.strerror or exc}") from exc
    if pid == 0:  # pragma: no cover - the child; its outcome is asserted through the parent
        os.close(read_end)
        _child(extractor, data, write_end, memory_bytes)
    gc.unfreeze()
    os.close(write_end)
    try:
        payload = _collect(read_end, time.monotonic() + seconds)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.close(read_end)
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if status != 0:
        raise UnreadableDocument("the document reader died (out of memory or crashed)")
    outcome, value = pickle.loads(payload)
    if outcome == "unreadable":
        raise UnreadableDocument(value)
    return value


def _child(extractor: Callable[[bytes], Document], data: bytes, write_end: int, memory_bytes: int) -> None:
    """Run the extractor under the memory ceiling, send ``(outcome, value)`` and exit at once
    (status 0 only once the whole result is written, so the parent never unpickles a torso)."""
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        ceiling = _address_space() + memory_bytes
        if hard != resource.RLIM_INFINITY:
            ceiling = min(ceiling, hard)  # a ceiling set from outside stays in force
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
        try:
            result: tuple[str, object] = ("ok", extractor(data))
        except UnreadableDocument as exc:
            result = ("unreadable", str(exc))
        except MemoryError:
            result = ("unreadable", f"the document needs more than {memory_bytes >> 20} MB to read")
        except RecursionError:
            result = ("unreadable", "the document is nested too deeply to read")
        except Exception as exc:  # any failure on untrusted input is that input's, reported in one line
            detail = " ".join(str(exc).split())
            result = ("unreadable", f"the document could not be read: {type(exc).__name__}: {detail}"[:300])
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(payload)
        while view:
            view = view[os.write(write_end, view):]
        os._exit(0)
    finally:
        os._exit(1)


def _address_space() -> int:
    """The current virtual size of this process in bytes (the ceiling is set above it)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _collect(read_end: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([read_end], [], [], remaining)[0]:
            raise UnreadableDocument("reading the document took too long; gave up")
        chunk = os.read(read_end, _CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > _RESULT_LIMIT:
            raise UnreadableDocument("the document yields too much text to keep")
        chunks.append(chunk)
