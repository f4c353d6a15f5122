"""Benchmark: import the five seed plans and a generated plan of 5,000 items.

Run: .venv/bin/python bench/import_plans.py   (DATABASE_URL=postgres://... for PostgreSQL)
Prints items per second and peak memory; the last line is one JSON object.
Aims: the five seeds under 2 s together; 5,000 items under 10 s in under 300 MB; the same plan as
servq's own PDF (about 300 pages, its header repeated on each) read back under 30 s.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup_django
from _size import size

GENERATED_ITEMS = size("GENERATED_ITEMS", 5000, 50)


def generated_plan(path: Path, items: int) -> Path:
    """A tab-table plan like seed 002, with ``items`` rows under 50 framework nodes."""
    lines = [
        "效能測試市政府 115 年度提升服務品質執行計畫",
        "",
        "壹、計畫依據",
        "",
        "「政府服務躍升方案」。",
        "",
        "肆、計畫內容",
        "",
        "實施要項\t推動作法\t完成期限\t承辦機關(單位)\t預期效益",
    ]
    for n in range(items):
        node = f"{n // 100 + 1}、服務面向第{n // 100 + 1}項" if n % 100 == 0 else ""
        deadline = ("115年12月", "每季", "經常辦理", "115年6月30日", "每年1月底前")[n % 5]
        lines.append(
            f"{node}\t({n + 1})網站提供正確之連結資訊並即時更新，第{n + 1}項。\t{deadline}\t資訊科、秘書室\t◎提升民眾滿意度。"
        )
        if n % 40 == 39:  # a page break repeats the header
            lines.append("實施要項\t推動作法\t完成期限\t承辦機關(單位)\t預期效益")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def import_file(path: Path, agency_code: str | None = None) -> int:
    from django.conf import settings

    from servq.agencies.models import Agency
    from servq.agencies.selectors import find_by_name
    from servq.plans import services
    from servq.plans.importing import file_sha256, parse_file

    parsed = parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
    agency = Agency.objects.get(code=agency_code) if agency_code else find_by_name(parsed.agency_name)
    program = services.program_for(
        by=None,
        name=parsed.program_name,
        years=(parsed.first_year, parsed.last_year),
        letter=parsed.program_letter,
    ).program
    services.import_plan(
        by=None,
        parsed=parsed,
        agency=agency,
        program=program,
        replace=True,
        source_name=path.name,
        source_sha256=file_sha256(path),
    )
    return len(parsed.items)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    vendor = setup_django("import_plans.sqlite3")
    from django.conf import settings

    from servq.agencies.demo import load_agencies_and_users
    from servq.plans.demo import seed_files

    load_agencies_and_users(lambda line: None)
    seeds = seed_files()
    start = time.perf_counter()
    seed_items = sum(import_file(path) for path in seeds)
    seeds_seconds = time.perf_counter() - start

    generated = generated_plan(Path(tempfile.mkdtemp()) / "generated.txt", GENERATED_ITEMS)
    settings.SERVQ_IMPORT_MAX_BYTES = 50 * 1024 * 1024
    start = time.perf_counter()
    generated_items = import_file(generated, "demo-civil")
    generated_seconds = time.perf_counter() - start
    import_peak = peak_mb()  # before servq renders the PDF below, which has its own cost
    # The same plan as servq's PDF (a long table repeating its header on every page), read back
    # cell by cell: the PDF import path of issue 22.4 on a plan of real length.
    from servq.plans.exporting import export
    from servq.plans.models import Plan

    pdf_path = generated.with_suffix(".pdf")
    pdf_path.write_bytes(export(Plan.objects.filter(agency__code="demo-civil").latest("pk"), "pdf"))
    from pypdf import PdfReader

    pdf_pages = len(PdfReader(str(pdf_path)).pages)
    # Read in a process of its own, so its time and peak memory are the PDF reader's alone.
    import subprocess

    script = (
        "import json,sys,time;from pathlib import Path;"
        "from servq.plans.importing import parse_file;t=time.perf_counter();"
        "n=len(parse_file(Path(sys.argv[1]),max_bytes=200*1024*1024).items);"
        # VmHWM, not ru_maxrss: Linux carries the parent's peak across fork and exec into ru_maxrss.
        "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1];"
        "print(json.dumps([n,time.perf_counter()-t,int(hwm)/1024]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(pdf_path)], check=True, capture_output=True, text=True
    ).stdout
    pdf_items, pdf_seconds, pdf_peak = json.loads(out.strip().splitlines()[-1])
    figures = {
        "database": vendor,
        "pdf_pages": pdf_pages,
        "pdf_items": pdf_items,
        "pdf_seconds": round(pdf_seconds, 2),
        "pdf_peak_memory_mb": round(pdf_peak, 1),
        "seeds": len(seeds),
        "seed_items": seed_items,
        "seeds_seconds": round(seeds_seconds, 3),
        "generated_items": generated_items,
        "generated_seconds": round(generated_seconds, 3),
        "generated_items_per_second": round(generated_items / generated_seconds),
        "peak_memory_mb": round(import_peak, 1),
    }
    print(f"{len(seeds)} seeds, {seed_items} items: {seeds_seconds:.2f} s (aim < 2 s)")
    print(
        f"generated plan, {generated_items} items: {generated_seconds:.2f} s, "
        f"{figures['generated_items_per_second']} items/s (aim < 10 s)"
    )
    print(
        f"the same plan as a {pdf_pages}-page PDF: {pdf_items} items read in {pdf_seconds:.1f} s "
        f"(aim < 30 s), peak {pdf_peak:.0f} MB in its own process"
    )
    print(f"peak memory of the imports: {figures['peak_memory_mb']} MB (aim < 300 MB)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
