"""Two real rulebooks as data: the reward lines of seed 001 (財政部) and seed 003 (經濟部), written in
the lines a body edits (see rules.parse_rulebook). A body starts from one of these or its own."""

from __future__ import annotations

# 001, 三、獎勵方式 (一)–(五).
SEED_001 = """\
national=winner | 首長、主要承辦人員 | 記大功1次 | (一)
national=winner | 機關 | 獎座及獎金、獎狀1幀 | (一)
grade=優等 nominated=yes national=finalist | 首長 | 記功2次 | (二)
grade=優等 nominated=yes national=finalist | 機關 | 獎狀1幀 | (二)
grade=優等 nominated=yes national=not_finalist | 首長 | 記功1次 | (三)
grade=優等 nominated=yes national=not_finalist | 機關 | 獎狀1幀 | (三)
grade=優等 nominated=no | 首長 | 記功1次或嘉獎2次 | (四)1
grade=優等 nominated=no | 機關 | 獎狀1幀 | (四)1
grade=甲等 nominated=no | 機關 | 獎狀1幀 | (四)2
any | 其他有功人員、輔導有功人員、初評小組、協辦人員 | 依權責覈實敘獎 | (五)
"""

# 003, 柒、二、參與「政府服務獎」敘獎原則 (一)–(五); (五) is how every proposal is chosen.
SEED_003 = """\
national=winner | 主要承辦人員 | 記大功1次 | (一)
national=winner | 首長、其他有功人員、輔導有功人員 | 最高記功1次 | (一)
national=finalist | 主要承辦人員 | 記功1次 | (二)
national=finalist | 首長、其他有功人員、輔導有功人員 | 最高嘉獎2次 | (二)
national=finalist | 機關 | 獎狀1幀 | (二)
national=not_finalist | 主要承辦人員 | 嘉獎2次 | (三)
national=not_finalist | 首長、其他有功人員、輔導有功人員 | 最高嘉獎1次 | (三)
any | 初評小組 | 嘉獎1次 | (四)
"""

RULEBOOKS = {
    "001": ("財政部提升服務實施計畫獎勵方式", SEED_001),
    "003": ("經濟部提升服務效能實施計畫敘獎原則", SEED_003),
}
