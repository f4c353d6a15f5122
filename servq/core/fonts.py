"""The CJK font the PDF exports embed: Debian's Noto Sans CJK where it is installed, else the same
design fetched once into var/fonts from a pinned, checksummed npm package, with no root needed.

Imported by settings (to choose the directory and family), so it uses the standard library only.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

SYSTEM_DIR = Path("/usr/share/fonts/opentype/noto")
SYSTEM_FAMILY = "Noto Sans CJK TC"
# Noto Sans Hant (Traditional Chinese, SIL OFL 1.1) as the npm package @embedpdf/fonts-tc ships it.
PACKAGE_URL = "https://registry.npmjs.org/@embedpdf/fonts-tc/-/fonts-tc-1.0.0.tgz"
PACKAGE_SHA256 = "3627a6a23f0cb07dca9a72db07e2e47afb15b934b850529367458b64b322e8a4"
PACKAGE_MEMBERS = {
    "package/fonts/NotoSansHant-Regular.otf": "NotoSansHant-Regular.otf",
    "package/fonts/NotoSansHant-Bold.otf": "NotoSansHant-Bold.otf",
    "package/LICENSE": "LICENSE-NotoSansHant.txt",
}
FETCHED_FAMILY = "Noto Sans T Chinese"
MAX_DOWNLOAD = 64 * 1024 * 1024


def has_system_font(directory: Path = SYSTEM_DIR) -> bool:
    return any(directory.glob("NotoSansCJK*")) or any(directory.glob("**/NotoSansCJK*"))


def fetched_dir(var_dir: Path) -> Path:
    return var_dir / "fonts"


def choose(var_dir: Path) -> tuple[Path, str]:
    """The font directory and family the PDF uses: the system's if installed, else the fetched one."""
    fetched = fetched_dir(var_dir)
    if not has_system_font() and (fetched / "NotoSansHant-Regular.otf").exists():
        return fetched, FETCHED_FAMILY
    return SYSTEM_DIR, SYSTEM_FAMILY


def usable(directory: Path) -> bool:
    """Whether the directory holds a CJK font the PDF can embed (either of the two above)."""
    return has_system_font(directory) or (directory / "NotoSansHant-Regular.otf").exists()


def fetch(var_dir: Path, *, url: str = PACKAGE_URL, sha256: str = PACKAGE_SHA256, timeout: int = 120) -> Path:
    """Download the package, check its checksum, keep only the two fonts and their licence."""
    target = fetched_dir(var_dir)
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - a pinned https URL
        data = response.read(MAX_DOWNLOAD + 1)
    if len(data) > MAX_DOWNLOAD:
        raise ValueError(f"{url} is larger than {MAX_DOWNLOAD} bytes")
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise ValueError(f"{url} has checksum {digest}, expected {sha256}")
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member, name in PACKAGE_MEMBERS.items():
            extracted = archive.extractfile(member)
            if extracted is None:
                raise ValueError(f"{url} has no {member}")
            (target / name).write_bytes(extracted.read())
    return target
