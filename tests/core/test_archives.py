"""One capped reader for every zip: bombs, lying sizes and damaged archives are refused with flat memory."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from servq.core.archives import ArchiveDamaged, ArchiveLimits, ArchiveTooLarge, open_zip
from tests.bombs import MIB, bomb, odt_bomb


def archive_of(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_gigabyte_bomb_is_refused_by_its_declared_size():
    data = odt_bomb()
    assert len(data) < 2 * MIB
    with pytest.raises(ArchiveTooLarge, match="1024 MiB"):
        open_zip(data, name="bomb.odt")


def test_a_bomb_within_the_total_is_stopped_by_its_ratio_while_streaming_with_flat_memory():
    data = bomb("mimetype", inflated_mib=200)
    tracemalloc.start()
    try:
        with pytest.raises(ArchiveTooLarge, match="壓縮比"):
            open_zip(data, name="bomb.odt")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MIB


def test_a_member_that_inflates_beyond_its_declared_size_is_refused():
    data = bytearray(archive_of(**{"content.xml": b"<a/>" * 100_000}))
    # Shrink the declared size in the central directory: the member now claims 100 bytes.
    offset = data.rfind(b"PK\x01\x02")
    data[offset + 24 : offset + 28] = (100).to_bytes(4, "little")
    with pytest.raises((ArchiveTooLarge, ArchiveDamaged)):
        open_zip(bytes(data), name="liar.docx")


def test_too_many_members_are_refused_before_any_is_read():
    data = archive_of(**{f"m{n}.xml": b"x" for n in range(20)})
    with pytest.raises(ArchiveTooLarge, match="20 個成員"):
        open_zip(data, name="many.zip", limits=ArchiveLimits(max_members=10))


def test_the_total_inflated_size_is_capped():
    data = archive_of(a=bytes(range(256)) * 4096, b=bytes(range(256)) * 4096)
    with pytest.raises(ArchiveTooLarge, match="上限"):
        open_zip(data, name="big.zip", limits=ArchiveLimits(max_total_bytes=1_500_000))


def test_small_members_are_not_judged_by_ratio_and_real_documents_pass():
    archive = open_zip(
        archive_of(mimetype=b"application/vnd.oasis.opendocument.text", **{"c.xml": bytes(50_000)}),
        name="ok.odt",
    )
    assert archive.read("mimetype").startswith(b"application/")


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04", b"not a zip at all", archive_of(a=b"x" * 1000)[:-30]])
def test_damaged_archives_are_named(data):
    with pytest.raises(ArchiveDamaged, match=r"damaged\.docx"):
        open_zip(data, name="damaged.docx")
