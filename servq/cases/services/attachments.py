"""Cases services: the citizen's photos and files, checked and cleaned before anything is written.

An image is decoded and written again with none of its metadata: a phone's photo carries EXIF with
where it was taken (GPS), the device and the time, which the citizen did not mean to send. Decoding
is bounded (a decompression bomb is refused), and a file is judged by its first bytes, not its name.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from servq.cases import rules
from servq.cases.models import Case, CaseAttachment
from servq.cases.services._common import CaseError

# Largest photo decoded (40 megapixels: any phone's); beyond it Pillow raises instead of decoding.
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True)
class CleanFile:
    name: str
    kind: str
    data: bytes


def clean_uploads(uploads: Sequence[Upload]) -> list[CleanFile]:
    """Every upload checked and cleaned, or a refusal naming the file: nothing is kept of a bad set."""
    limit = settings.SERVQ_ATTACHMENTS_PER_CASE
    CaseError.require(
        len(uploads) <= limit, f"最多附加 {limit} 個檔案，您選了 {len(uploads)} 個。", "attachments"
    )
    return [_clean(upload) for upload in uploads]


def _clean(upload: Upload) -> CleanFile:
    name = upload.name.replace("\\", "/").rsplit("/", 1)[-1][:200] or "附件"
    most = settings.SERVQ_ATTACHMENT_MAX_BYTES
    CaseError.require(
        len(upload.data) <= most,
        f"{name}：檔案 {len(upload.data):,} 位元組，超過上限 {most:,}。",
        "attachments",
    )
    kind = rules.attachment_kind(name, upload.data[:16])
    CaseError.require(
        kind is not None, f"{name}：只接受 JPEG、PNG 照片或 PDF 檔（副檔名須與內容相符）。", "attachments"
    )
    assert kind is not None  # for the type checker: refused just above
    data = upload.data if kind == "pdf" else _without_metadata(name, upload.data, kind)
    return CleanFile(name, kind, data)


def _without_metadata(name: str, data: bytes, kind: str) -> bytes:
    """The picture only: turned upright by its EXIF orientation, then saved with no EXIF, GPS,
    XMP or text chunks."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise CaseError(f"{name}：無法讀取這張圖片，檔案可能已損壞或過大。", "attachments") from None
    out = io.BytesIO()
    if kind == "jpeg":
        upright.convert("RGB").save(out, format="JPEG", quality=90)
    else:
        upright.save(out, format="PNG")
    return out.getvalue()


def save_attachments(case: Case, files: Sequence[CleanFile]) -> list[CaseAttachment]:
    """Write the cleaned files with the case, in its transaction (a failed filing keeps none)."""
    saved = []
    for file in files:
        _, _, content_type = rules.ATTACHMENT_KINDS[file.kind]
        attachment = CaseAttachment(case=case, name=file.name, content_type=content_type, size=len(file.data))
        attachment.file.save(f"{uuid.uuid4().hex}.{file.kind}", ContentFile(file.data), save=False)
        attachment.save()
        saved.append(attachment)
    return saved
