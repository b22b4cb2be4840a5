"""Git objects read from disk, loose or packed, with every object's size checked before it is
inflated.

dulwich supplies the pack index lookup, the delta application and the object parsing; the
reading itself is ours because dulwich's object store inflates a packed object whole (delta
bases included) before anyone can ask its size. Here a pack entry's header, which states the
size, is read first; a delta's target size is read from the first bytes of the delta; nothing
larger than ``cap`` bytes is ever inflated. Only regular files are opened (a FIFO or device
named like an object file would block or never end), and alternates (object folders borrowed
from elsewhere) are not followed: objects are read inside the repository only.
"""

from __future__ import annotations

import os
import stat
import time
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import BinaryIO

_CHUNK = 16384
_COMMIT, _TREE, _BLOB, _TAG = 1, 2, 3, 4
_OFS_DELTA, _REF_DELTA = 6, 7
_LOOSE_TYPES = {b"commit": _COMMIT, b"tree": _TREE, b"blob": _BLOB, b"tag": _TAG}
MAX_CHAIN = 1000  # delta links followed for one object (git writes at most 50 by default)
MAX_PACKS = 500
_CACHE_BYTES = 16 * 1024 * 1024  # resolved delta bases kept while one lookup runs


class RepoError(Exception):
    """The repository cannot be read as needed: corrupt, missing objects, too big, too slow."""


class TooBig(RepoError):
    pass


def regular_file(path: Path, limit: int | None = None) -> os.stat_result:
    """The stat of ``path`` when it is a regular file (of at most ``limit`` bytes)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise RepoError(f"{path.name}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise RepoError(f"{path} is not a regular file")
    if limit is not None and st.st_size > limit:
        raise TooBig(f"{path} has {st.st_size} bytes, over {limit}")
    return st


class _Inflater:
    """A zlib stream read from a file, handing out at most ``limit`` bytes at a time."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.z = zlib.decompressobj()

    def read(self, limit: int) -> bytes:
        while True:
            if self.z.unconsumed_tail:
                data = self.z.unconsumed_tail
            elif self.z.eof:
                return b""
            else:
                data = self.f.read(_CHUNK)
                if not data:
                    raise RepoError("truncated object data")
            out = self.z.decompress(data, limit)
            if out or self.z.eof:
                return out

    def exactly(self, size: int) -> bytes:
        """The next ``size`` bytes, and the stream must end there."""
        parts, got = [], 0
        while got < size:
            piece = self.read(size - got)
            if not piece:
                raise RepoError("object data shorter than its header says")
            parts.append(piece)
            got += len(piece)
        if self.read(1):
            raise RepoError("object data longer than its header says")
        return b"".join(parts)


def _varint(data: bytes, i: int) -> tuple[int, int]:
    """A size written in little-endian groups of 7 bits at ``data[i]``; (size, next index)."""
    size = shift = 0
    while True:
        if i >= len(data) or shift > 63:
            raise RepoError("bad size header")
        c = data[i]
        i += 1
        size |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return size, i


def offset_varint(data: bytes, i: int, problem: str) -> tuple[int, int]:
    """A number written 7 bits a byte, most significant group first, each further byte adding
    one (an ofs-delta's distance to its base, a v4 index's path prefix): (value, next index).
    RepoError(``problem``) when it runs past ``data`` or grows past 2**56."""
    if i >= len(data):
        raise RepoError(problem)
    c = data[i]
    i += 1
    value = c & 0x7F
    while c & 0x80:
        if i >= len(data) or value > 1 << 56:
            raise RepoError(problem)
        c = data[i]
        i += 1
        value = ((value + 1) << 7) | (c & 0x7F)
    return value, i


class _Pack:
    def __init__(self, idx_path: Path, pack_path: Path) -> None:
        from dulwich.object_format import SHA1
        from dulwich.pack import load_pack_index

        regular_file(idx_path)
        regular_file(pack_path)
        self.index = load_pack_index(str(idx_path), SHA1)
        self.pack_path = pack_path
        self._file: BinaryIO | None = None

    def offset(self, sha: bytes) -> int | None:
        """Where the object of binary id ``sha`` starts in the pack; None when it is not there."""
        from dulwich.objects import RawObjectID

        try:
            return self.index.object_offset(RawObjectID(sha))
        except KeyError:
            return None

    def file(self) -> BinaryIO:
        if self._file is None:
            self._file = open(self.pack_path, "rb")  # noqa: SIM115 - kept for the pack's later reads; close() closes it
        return self._file

    def header(self, offset: int) -> tuple[int, int, int | bytes | None, int]:
        """(type, size, delta base, where the zlib data starts) of the entry at ``offset``:
        the base is an offset for OFS_DELTA, a binary object id for REF_DELTA."""
        f = self.file()
        f.seek(offset)
        head = f.read(64)
        if not head:
            raise RepoError("pack entry past the end of the pack")
        c = head[0]
        kind, size, i = (c >> 4) & 7, c & 15, 1
        if c & 0x80:  # the size goes on in groups of 7 bits, as in a delta header
            rest, i = _varint(head, 1)
            size |= rest << 4
        base: int | bytes | None = None
        if kind == _OFS_DELTA:
            back, i = offset_varint(head, i, "bad delta offset")
            base = offset - back
            if not 0 < base < offset:
                raise RepoError("delta base offset outside the pack")
        elif kind == _REF_DELTA:
            base = head[i : i + 20]
            i += 20
            if len(base) != 20:
                raise RepoError("bad delta base id")
        elif kind not in (_COMMIT, _TREE, _BLOB, _TAG):
            raise RepoError(f"unknown pack entry type {kind}")
        return kind, size, base, offset + i

    def inflate(self, start: int, size: int) -> bytes:
        f = self.file()
        f.seek(start)
        return _Inflater(f).exactly(size)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self.index.close()


class ObjectStore:
    """The objects of one repository (``objects/`` of its common git folder)."""

    def __init__(self, objects: Path, cap: int, deadline: float | None = None) -> None:
        self.root = objects
        self.cap = cap
        self.deadline = deadline
        self._packs: list[_Pack] | None = None
        self._cache: OrderedDict[tuple[int, int], tuple[int, bytes]] = OrderedDict()
        self._cached_bytes = 0

    # -- the public part ------------------------------------------------------------------------

    def read(self, sha: str, want: int | None = None) -> tuple[int, bytes]:
        """(type number, raw content) of the object ``sha`` (40 hex digits). Raises TooBig for
        an object over the cap and RepoError when it is missing or cannot be read."""
        kind, data = self._read(bytes.fromhex(sha), MAX_CHAIN)
        if want is not None and kind != want:
            raise RepoError(f"object {sha} is of type {kind}, not {want}")
        return kind, data

    def close(self) -> None:
        for pack in self._packs or ():
            pack.close()
        self._packs = []
        self._cache.clear()

    # -- reading --------------------------------------------------------------------------------

    def _tick(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise RepoError("reading the history took too long")

    def packs(self) -> list[_Pack]:
        if self._packs is None:
            self._packs = []
            folder = self.root / "pack"
            try:
                names = sorted(n for n in os.listdir(folder) if n.endswith(".idx"))
            except OSError:
                names = []
            for name in names[:MAX_PACKS]:
                pack = folder / (name[:-4] + ".pack")
                try:
                    self._packs.append(_Pack(folder / name, pack))
                except RepoError:
                    raise
                except Exception as exc:  # dulwich's own errors on a malformed index
                    raise RepoError(f"pack {name}: {exc}") from None
        return self._packs

    def _read(self, sha: bytes, budget: int) -> tuple[int, bytes]:
        self._tick()
        for n, pack in enumerate(self.packs()):
            offset = pack.offset(sha)
            if offset is not None:
                return self._packed(n, offset, budget)
        return self._loose(sha.hex())

    def _loose(self, hexsha: str) -> tuple[int, bytes]:
        path = self.root / hexsha[:2] / hexsha[2:]
        if not os.path.lexists(path):
            raise RepoError(f"object {hexsha} is missing")
        regular_file(path)
        with open(path, "rb") as f:
            stream = _Inflater(f)
            head = b""
            while b"\0" not in head:
                piece = stream.read(32)
                if not piece or len(head) > 32:
                    raise RepoError(f"object {hexsha}: bad header")
                head += piece
            head, _, rest = head.partition(b"\0")
            name, _, size_text = head.partition(b" ")
            kind = _LOOSE_TYPES.get(name)
            if kind is None or not size_text.isdigit():
                raise RepoError(f"object {hexsha}: bad header")
            size = int(size_text)
            if size > self.cap:
                raise TooBig(f"object {hexsha} has {size} bytes, over {self.cap}")
            if len(rest) > size:
                raise RepoError(f"object {hexsha}: longer than its header says")
            return kind, rest + stream.exactly(size - len(rest))

    def _packed(self, n: int, offset: int, budget: int) -> tuple[int, bytes]:
        """The object at ``offset`` of pack ``n``: the delta chain is followed down to its base
        (every size checked on the way), then the deltas are applied from the base up."""
        from dulwich.pack import apply_delta

        pack = self.packs()[n]
        chain: list[tuple[int, int, int]] = []  # (offset, delta size, data start), newest first
        at = offset
        base: tuple[int, bytes] | None = None
        while True:
            if (n, at) in self._cache:
                base = self._cache[(n, at)]
                self._cache.move_to_end((n, at))
                break
            if len(chain) >= budget:
                raise RepoError("delta chain too long")
            self._tick()
            kind, size, base_ref, start = pack.header(at)
            if size > self.cap:
                raise TooBig(f"pack entry of {size} bytes, over {self.cap}")
            # header() gives an OFS_DELTA an offset and a REF_DELTA an id: the types only say so
            if kind == _OFS_DELTA and isinstance(base_ref, int):
                chain.append((at, size, start))
                at = base_ref
            elif kind == _REF_DELTA and isinstance(base_ref, bytes):
                chain.append((at, size, start))
                base = self._read(base_ref, budget - len(chain))
                break
            else:
                base = (kind, pack.inflate(start, size))
                self._remember((n, at), base)
                break
        kind, data = base
        for at, size, start in reversed(chain):
            delta = pack.inflate(start, size)
            source, i = _varint(delta, 0)
            target, _ = _varint(delta, i)
            if target > self.cap:
                raise TooBig(f"object of {target} bytes, over {self.cap}")
            if source != len(data):
                raise RepoError("delta does not fit its base")
            try:
                data = b"".join(apply_delta(data, delta))
            except Exception as exc:
                raise RepoError(f"bad delta: {exc}") from None
            self._remember((n, at), (kind, data))
        return kind, data

    def _remember(self, key: tuple[int, int], value: tuple[int, bytes]) -> None:
        if len(value[1]) > _CACHE_BYTES // 4:
            return
        self._cache[key] = value
        self._cached_bytes += len(value[1])
        while self._cached_bytes > _CACHE_BYTES:
            _, (_, old) = self._cache.popitem(last=False)
            self._cached_bytes -= len(old)
