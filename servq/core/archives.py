"""The one way servq opens a zip archive (evidence files, imported .docx/.odt, future uploads).

A zip says how big its members are, and can lie; a 1 MB file can inflate to gigabytes. Before any
library reads an archive, ``open_zip`` checks the directory (member count, declared sizes, ratios)
and then inflates every member as a stream, counting the bytes that really come out and stopping at
the first cap exceeded, so memory stays flat whatever the archive claims. No Django here: callers
pass their limits.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

CHUNK = 64 * 1024


class ArchiveRefused(ValueError):
    """An archive servq will not read; the message names the file and why."""


class ArchiveDamaged(ArchiveRefused):
    """Not a zip, truncated, or a member that will not inflate."""


class ArchiveTooLarge(ArchiveRefused):
    """More members, more inflated bytes or a higher ratio than the limits allow (a zip bomb)."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = 5_000
    max_total_bytes: int = 256 * 1024 * 1024
    # Deflated XML reaches 20–50×; a member of runs of one byte reaches 1,000×.
    max_ratio: int = 200
    # Below this size a member's ratio is not judged: tiny members compress oddly and cost nothing.
    ratio_floor_bytes: int = 1024 * 1024


def open_zip(data: bytes, *, name: str, limits: ArchiveLimits | None = None) -> zipfile.ZipFile:
    """The archive, once every member has been inflated within the limits; else ArchiveRefused."""
    limits = limits or ArchiveLimits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise ArchiveDamaged(f"{name}: 損壞或不完整的壓縮檔（{error}）") from None
    if len(members) > limits.max_members:
        raise ArchiveTooLarge(f"{name}: 壓縮檔有 {len(members)} 個成員，超過上限 {limits.max_members}。")
    declared = sum(member.file_size for member in members)
    if declared > limits.max_total_bytes:
        raise ArchiveTooLarge(f"{name}: 解壓後 {_mib(declared)}，超過上限 {_mib(limits.max_total_bytes)}。")
    budget = limits.max_total_bytes
    for member in members:
        budget -= _inflate_within(archive, member, name, limits, budget)
    return archive


def _inflate_within(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, limits: ArchiveLimits, budget: int
) -> int:
    """Inflate one member as a stream, refusing past its declared size, the ratio or the budget."""
    ratio_cap = max(limits.ratio_floor_bytes, member.compress_size * limits.max_ratio)
    inflated = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                inflated += len(chunk)
                if inflated > member.file_size:
                    raise ArchiveTooLarge(f"{name}: 成員「{member.filename[:80]}」解壓後比它宣稱的大。")
                if inflated > ratio_cap:
                    raise ArchiveTooLarge(
                        f"{name}: 成員「{member.filename[:80]}」壓縮比超過 {limits.max_ratio}:1（疑似壓縮炸彈）。"
                    )
                if inflated > budget:
                    raise ArchiveTooLarge(f"{name}: 解壓後超過上限 {_mib(limits.max_total_bytes)}。")
    except ArchiveRefused:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, NotImplementedError) as error:
        raise ArchiveDamaged(f"{name}: 成員「{member.filename[:80]}」無法讀取（{error}）") from None
    return inflated


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MiB"
