"""Zip bombs of the shape the probe used: a small archive whose member inflates to a gigabyte."""

from __future__ import annotations

import functools
import io
import zipfile

MIB = 1024 * 1024


@functools.cache
def bomb(first_member: str = "mimetype", inflated_mib: int = 1024, **others: bytes) -> bytes:
    """An archive (about 1 MB) whose ``first_member`` inflates to ``inflated_mib`` MiB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        info = zipfile.ZipInfo(first_member)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            zeros = bytes(MIB)
            for _ in range(inflated_mib):
                member.write(zeros)
        for name, content in others.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def odt_bomb() -> bytes:
    return bomb("mimetype")


def docx_bomb() -> bytes:
    return bomb("word/document.xml", **{"[Content_Types].xml": b"<Types/>"})
