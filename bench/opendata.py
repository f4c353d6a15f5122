"""Benchmark the open-data inventory at real size, on PostgreSQL: a catalogue of 20,000 published
datasets (Chinese titles and descriptions in the national platform's style, 1–3 resources each),
and a 200 MB CSV of household-registration figures as agencies publish them.

Run: .venv/bin/python bench/opendata.py      (DATASETS=5000 CSV_MB=50 for a quicker run)
Uses DATABASE_URL when set, else postgres://postgres@127.0.0.1:5432/servq_bench_opendata (created
when missing). Times, through Django's test client (the whole request): CKAN `package_search` for
one-, two- and four-character queries and none, 10 rows a page (aim p95 < 50 ms); the DCAT JSON-LD of
the whole catalogue (aim < 10 s). Then profiles the CSV in a process of its own, in UTF-8 and in
Big5 with the conversion written (aim < 20 s and < 300 MB peak). The last line is JSON.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import measured

DATASETS = int(os.environ.get("DATASETS", "20000"))
CSV_MB = int(os.environ.get("CSV_MB", "200"))
RUNS = 40

TOPICS = [
    "人口",
    "戶數",
    "預算",
    "決算",
    "停車場",
    "公車",
    "路燈",
    "垃圾清運",
    "空氣品質",
    "圖書館",
    "托育",
    "長照",
    "違規停車",
    "公園",
    "補助",
    "稅收",
    "水質",
    "道路施工",
    "里長",
    "觀光人次",
]
KINDS = ["統計", "名冊", "位置", "一覽表", "月報", "年報", "資訊", "申請件數", "即時資料"]
DISTRICTS = [
    "鹽埕區",
    "鼓山區",
    "左營區",
    "楠梓區",
    "三民區",
    "新興區",
    "前金區",
    "苓雅區",
    "前鎮區",
    "旗津區",
    "小港區",
    "鳳山區",
    "林園區",
    "大寮區",
    "大樹區",
    "大社區",
    "仁武區",
    "鳥松區",
    "岡山區",
    "橋頭區",
]


def setup() -> str:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servq_bench_opendata")
    from _django import setup_django

    return setup_django()


def build() -> None:
    import datetime as dt

    from _django import bench_body
    from django.utils import timezone

    from servq.opendata.models import Dataset, Resource
    from servq.opendata.rules import search_text

    if Dataset.objects.filter(state="published").exclude(search_text="").count() >= DATASETS:
        return
    Dataset.objects.all().delete()
    _body, members, _supervisor = bench_body(30) if not _bench_agencies() else (None, _bench_agencies(), None)
    rand = random.Random(2026)
    today = timezone.localdate()
    rows = []
    for n in range(DATASETS):
        topic, kind = rand.choice(TOPICS), rand.choice(KINDS)
        district = rand.choice(DISTRICTS)
        agency = members[n % len(members)]
        title = f"{district}{topic}{kind}（{n:05d}）"
        description = (
            f"本資料集提供{district}{topic}相關{kind}，包含各里、各月份之{topic}數據及說明，"
            f"資料來源為{agency.name}業務統計，依政府資料開放授權條款提供。"
        )
        keywords = f"{topic},{kind},{district}"
        rows.append(
            Dataset(
                agency=agency,
                title=title,
                description=description,
                keywords=keywords,
                search_text=search_text(title, keywords, description),  # bulk_create skips save()
                frequency=rand.choice(["monthly", "quarterly", "yearly", "irregular"]),
                state="published",
                published_on=today - dt.timedelta(days=rand.randint(0, 2000)),
                last_updated=today - dt.timedelta(days=rand.randint(0, 400)),
            )
        )
    made = Dataset.objects.bulk_create(rows, batch_size=2000)
    now = timezone.now()
    Resource.objects.bulk_create(
        (
            Resource(
                dataset=d,
                name=f"{d.title} {fmt}",
                format=fmt,
                url=f"https://data.example.gov.tw/files/{d.pk}.{fmt.lower()}",
                added_at=now,
            )
            for d in made
            for fmt in ("CSV", "JSON", "XML")[: 1 + d.pk % 3]
        ),
        batch_size=5000,
    )


def _bench_agencies():
    from servq.agencies.models import Agency

    return list(Agency.objects.filter(code__startswith="bench-").exclude(kind="parent_body"))


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def time_search() -> dict[str, dict[str, float]]:
    from django.test import Client

    client = Client()
    url = "/opendata/api/3/action/package_search"
    queries = {
        "none": [""],
        "1 char": ["人", "車", "燈", "稅"],
        "2 chars": ["人口", "停車", "預算", "公園"],
        "4 chars": ["人口統計", "垃圾清運", "空氣品質", "觀光人次"],
    }
    client.get(url, {"q": "人口"})  # the first request loads templates and URL patterns: not counted
    out = {}
    for label, words in queries.items():
        times = []
        for run in range(RUNS):
            word = words[run % len(words)]
            start = time.perf_counter()
            response = client.get(url, {"q": word, "rows": 10})
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200 and response.json()["success"]
        out[label] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(p95(times), 1),
            "count": response.json()["result"]["count"],
        }
    return out


def time_dcat() -> dict[str, float]:
    from django.test import Client

    start = time.perf_counter()
    response = Client().get("/opendata/catalog.jsonld")
    seconds = time.perf_counter() - start
    document = json.loads(response.content)
    return {
        "seconds": round(seconds, 2),
        "datasets": len(document["dcat:dataset"]),
        "mb": round(len(response.content) / 1e6, 1),
    }


def write_csv(path: Path, megabytes: int, encoding: str) -> int:
    """Household registration by 里 and month, as 民政局 publish it: ten columns, 民國 dates."""
    rand = random.Random(7)
    villages = [
        f"{d}{name}里" for d in DISTRICTS for name in ("中正", "光明", "仁愛", "信義", "和平", "復興")
    ]
    header = "統計年月,區別,里別,鄰數,戶數,人口數,男,女,出生數,死亡數\n"
    with path.open("w", encoding=encoding, newline="") as out:
        out.write(header)
        size, rows = 0, 0
        while size < megabytes * 1_000_000:
            block = []
            for _ in range(5000):
                village = rand.choice(villages)
                people = rand.randint(800, 12000)
                men = people // 2 - rand.randint(0, 200)
                block.append(
                    f"{rand.randint(100, 113)}/{rand.randint(1, 12):02d},{village[:3]},{village},"
                    f"{rand.randint(5, 40)},{people // 3},{people},{men},{people - men},"
                    f"{rand.randint(0, 30)},{rand.randint(0, 25)}\n"
                )
            text = "".join(block)
            out.write(text)
            size += len(text.encode(encoding))
            rows += len(block)
    return rows


PROFILE_ONE = """
import sys, tempfile, time, json
sys.path.insert(0, ".")
from servq.opendata import profiling
with open(sys.argv[1], "rb") as source, tempfile.TemporaryFile() as converted:
    start = time.perf_counter()
    profile = profiling.profile_csv(source, "bench.csv", converted=converted if sys.argv[2] == "convert" else None)
    # VmHWM: this process's own peak (ru_maxrss after fork and exec still carries the parent's).
    peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
    print(json.dumps({"rows": profile.rows, "encoding": profile.encoding, "peak_kb": peak,
                      "types": [c.type for c in profile.columns], "seconds": time.perf_counter() - start}))
"""


def time_profiling() -> dict[str, dict[str, float]]:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for encoding, mode in (("utf-8", "plain"), ("cp950", "convert")):
            path = Path(tmp) / f"households-{encoding}.csv"
            rows = write_csv(path, CSV_MB, encoding)
            wall, cpu, _inherited, stdout = measured([sys.executable, "-c", PROFILE_ONE, str(path), mode])
            result = json.loads(stdout.strip().splitlines()[-1])
            peak_mb = result["peak_kb"] / 1024
            assert result["rows"] == rows, (result["rows"], rows)
            out[f"{encoding} {mode}"] = {
                "mb": round(path.stat().st_size / 1e6),
                "rows": rows,
                "wall_s": round(wall, 1),
                "cpu_s": round(cpu, 1),
                "peak_mb": round(peak_mb),
            }
    return out


def main() -> None:
    vendor = setup()
    started = time.perf_counter()
    build()
    print(f"catalogue of {DATASETS} datasets on {vendor} ready in {time.perf_counter() - started:.1f} s")
    search = time_search()
    for label, figures in search.items():
        print(
            f"package_search {label:8}: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms "
            f"({figures['count']} found; aim p95 < 50 ms)"
        )
    dcat = time_dcat()
    print(
        f"DCAT of the whole catalogue: {dcat['seconds']} s, {dcat['datasets']} datasets, {dcat['mb']} MB (aim < 10 s)"
    )
    profiles = time_profiling()
    for label, figures in profiles.items():
        print(
            f"profile {figures['mb']} MB CSV ({label}, {figures['rows']} rows): {figures['wall_s']} s wall, "
            f"{figures['cpu_s']} s CPU, {figures['peak_mb']} MB peak (aim < 20 s, < 300 MB)"
        )
    print(
        json.dumps(
            {
                "bench": "opendata",
                "database": vendor,
                "datasets": DATASETS,
                "package_search": search,
                "dcat": dcat,
                "profiling": profiles,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
