"""Each seed plan imports with every item row, compared with a golden file checked by hand against the seed.

The golden files are the `import_plan --dry-run --json` output. When the importer changes on purpose,
regenerate them and read the diff row by row against the seed text before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from servq.plans.importing import parse_file

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SEEDS = sorted(GOLDEN.glob("*.json"))
pytestmark = pytest.mark.seeds


def seed_path(stem: str) -> Path:
    path = Path(settings.SERVQ_SEEDS_DIR) / f"{stem}.txt"
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing and CI=true: the seeds must be beside the repository")
        pytest.skip(f"{path} is missing (the seeds live in ../shared/seeds)")
    return path


def parsed(stem: str) -> dict:
    return parse_file(seed_path(stem), max_bytes=settings.SERVQ_IMPORT_MAX_BYTES).as_json()


@pytest.mark.parametrize("golden", SEEDS, ids=[p.stem[:3] for p in SEEDS])
def test_seed_matches_its_golden_file(golden, capsys):
    stem = golden.stem
    call_command("import_plan", str(seed_path(stem)), "--dry-run", "--json")
    assert json.loads(capsys.readouterr().out) == json.loads(golden.read_text(encoding="utf-8"))


def test_000_dgbas_table_written_one_cell_a_line():
    data = parsed("000_7ceba4c3a3137380")
    assert data["plan"]["years"] == [2015, 2018]
    assert data["plan"]["revised"] == ["2012-11-12", "2015-09-24"]
    assert len(data["items"]) == 19  # 11 + 5 + 1 under 一、, 1 + 1 under 二、
    second = data["items"][1]
    # The unit list wraps onto the next line in the seed; every unit stays with its item.
    assert second["units"][-3:] == ["地方統計推展中心", "內部審核研究小組", "主計資訊處"]
    assert len(second["units"]) == 9
    mobile = data["items"][15]
    assert mobile["path"] == [
        "一、豐富服務資訊，促進網路溝通",
        "(二)精進WWW網站應用服務功能，提升便民服務品質。",
    ]
    assert mobile["deadline"]["kind"] == "milestones"
    assert data["items"][11]["deadline"] == {"raw": "104年底前", "kind": "date", "due": "2015-12-31"}
    # The 附表 repeats the items as a reporting template: named in a warning, not imported twice.
    assert any("辦理情形及成效" in w["message"] for w in data["warnings"])


def test_000_open_data_targets_become_an_indicator():
    plan = parse_file(seed_path("000_7ceba4c3a3137380"), max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
    (indicator,) = plan.indicators
    assert indicator.name == "開放資料集累計數" and indicator.cumulative
    assert {year: int(value) for year, value in indicator.targets.items()} == {
        2015: 720,
        2016: 960,
        2017: 1200,
        2018: 1440,
    }


def test_001_mof_outline():
    data = parsed("001_cdd6db02817fcfdf")
    assert len(data["items"]) == 22  # 4 + 4 + 4 + 3 + 3 + 4 bullets under 肆、具體措施
    assert data["items"][12]["text"].endswith("適性服務，降低其取得服務成本。")  # a bullet wrapped by the PDF
    assert data["items"][-1]["path"] == ["六、掌握社經發展趨勢，專案規劃前瞻服務"]
    assert data["plan"]["revised"] == ["2017-06-05"]


def test_002_changhua_rows_with_several_units_dates_and_benefits():
    data = parsed("002_18bbe963d1c4ca37")
    items = {item["text"][:5]: item for item in data["items"] if item["path"][0].startswith("二、")}
    assert len(data["items"]) == 25
    maintenance = items["(一)定期"]
    assert maintenance["units"] == ["本處各科", "本處研究發展科"]
    assert maintenance["deadline"] == {"raw": "106年12月 106年12月", "kind": "date", "due": "2017-12-31"}
    assert maintenance["expected_benefit"].count("◎") == 2
    # A row with no item text adds its unit and benefit to the item above.
    query = items["(六)主動"]
    assert query["units"] == ["本處研究發展科", "本處管制考核科"]
    assert query["expected_benefit"].endswith("◎網頁提供申請案件透明化查詢。")
    # Two items in one row as <p> fragments, and a benefit continued from the previous page.
    by_text = {item["text"]: item for item in data["items"]}
    assert by_text["(三)線上服務"]["units"] == ["本處各科"]
    single_window = next(i for i in data["items"] if i["text"].startswith("(一)設立24小時"))
    assert single_window["expected_benefit"].endswith("提昇各業務單位處理時效。")


def test_003_moea_framework_table():
    data = parsed("003_bbcf824ec25e213b")
    assert len(data["items"]) == 29
    assert data["items"][0]["path"] == ["一、基礎服務", "(一) 服務一致及正確性"]
    assert data["items"][0]["text"] == "1. 訂定申辦業務標準作業流程"
    assert data["items"][-1]["path"] == ["六、專案規劃", "(六) 分眾服務及其他策略或方法"]


def test_004_kaohsiung_scattered_framework_table():
    data = parsed("004_e0dbac59c8f7f20e")
    assert len(data["items"]) == 23  # 6 + 3 + 5 + 5 + 4 實施要項 (二、(一) is missing from the extraction)
    assert [item["path"][0][:2] for item in data["items"]].count("三、") == 5
    warnings = " ".join(w["message"] for w in data["warnings"])
    assert "作業時程" in warnings and "came before their item" in warnings


@pytest.mark.django_db
def test_002_is_filed_by_the_letter_it_cites_not_the_older_name_it_uses():
    """002 cites 行政院106年1月9日院授發社字第1061300008號函 as 「政府服務創新精進方案」; the letter
    issued the 政府服務躍升方案 (001, 003 cite it so), and that is where its 106 plan belongs."""
    from servq.plans import services

    plan = parse_file(seed_path("002_18bbe963d1c4ca37"), max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
    assert (plan.program_name, plan.program_letter) == ("政府服務創新精進方案", "1061300008")
    match = services.program_for(
        by=None, name=plan.program_name, years=(plan.first_year, plan.last_year), letter=plan.program_letter
    )
    assert match.program.name == "政府服務躍升方案"
    for stem in ("001_cdd6db02817fcfdf", "003_bbcf824ec25e213b"):
        other = parse_file(seed_path(stem), max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
        assert other.program_letter == "1061300008"


def test_003_steps_and_rewards_are_read_into_their_own_sections():
    """003 has 伍、實施步驟 and 柒、獎勵方式, two of the contents 003 requires of a plan (伍、一)."""
    plan = parse_file(seed_path("003_bbcf824ec25e213b"), max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
    assert "1月底前簽報上級機關" in plan.steps
    assert plan.rewards.strip() and "獎" in plan.rewards
