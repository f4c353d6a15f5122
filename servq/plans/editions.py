"""The program editions servq knows: what each 方案 is called, the letter that issued it, its award
and the calendar its plans follow. An edition is data, not code: a body's Program row is created
from it and may be changed; nothing else names a seed or hard-codes an award.

Sources are the seed plans' own words (../shared/seeds/):
- 政府服務創新精進方案: issued (as amended) by 行政院104年4月7日院授發社字第10413004711號函 (000);
  its award is 「政府服務品質獎」 (004: 「第九屆政府服務品質獎評獎作業手冊」); the calendar is 004's
  附件1 作業期程, thirteen steps in two columns (作業項目, 時程), word for word.
- 政府服務躍升方案: issued by 行政院106年1月9日院授發社字第1061300008號函 (001, 003; 002 cites the
  same letter under the older name); its award is 「政府服務獎」 (001: 「政府服務獎」評獎). No 106 seed
  has a calendar table; the steps below are the dates 003 sets in its text (伍、陸), nothing added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Edition:
    slug: str
    name: str
    first_year: int
    last_year: int
    letter_date: dt.date
    letter_number: str
    award_name: str
    # One step a line: 作業項目｜時程, or 作業項目｜辦理單位｜時程 where the source names who does it.
    schedule: str
    schedule_source: str


EDITIONS = (
    Edition(
        slug="service-innovation",
        name="政府服務創新精進方案",
        first_year=2015,
        last_year=2016,
        letter_date=dt.date(2015, 4, 7),
        letter_number="10413004711",
        award_name="政府服務品質獎",
        schedule="""本府「提升政府服務品質實施計畫」訂定｜1 月
本府各機關訂定年度「執行計畫」及審核所屬機關「工作計畫」(附件 2、3)｜2 月至 4 月
本府辦理年度提升為民服務研習｜5 月至 6 月
本府電話服務品質及禮貌測試(第 1 次)｜上半年
年度評獎作業啟動｜8 月
機關提報參獎申請書｜9 月
本府辦理不定期查訪暨輔導(視業務運作)｜9 月至 11 月
本府電話服務品質及禮貌測試(第 2 次)｜下半年
本府推薦「政府服務品質獎」初審作業｜10 月
初審入選機關實地查訪｜10 月至 11 月
各機關提報年度執行成果｜12 月下旬至次年 1 月
本府受推薦「政府服務品質獎」機關輔導｜12 月下旬至次年 1 月
函送行政院參獎｜次年 1 月至 2 月上旬""",
        schedule_source="高雄市政府提升政府服務品質實施計畫 附件1 作業期程",
    ),
    Edition(
        slug="service-leap",
        name="政府服務躍升方案",
        first_year=2017,
        last_year=2017,
        letter_date=dt.date(2017, 1, 9),
        letter_number="1061300008",
        award_name="政府服務獎",
        schedule="""執行計畫簽報上級機關審定，並公開於機關網站及服務場所｜1 月底
調查當年度參獎機關及單位｜2 月底
上半年自行考核，評核結果登載於機關網頁｜上半年
下半年自行考核，評核結果登載於機關網頁｜下半年
研訂次年度提升服務效能執行計畫｜12 月底
當年度執行績效與成果報部｜次年 1 月 15 日前""",
        schedule_source="經濟部提升服務效能執行計畫（106 年）伍、陸所定期限",
    ),
)

BY_LETTER = {edition.letter_number: edition for edition in EDITIONS}
BY_NAME = {edition.name: edition for edition in EDITIONS}
