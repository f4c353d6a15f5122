"""A judged relevance set for the platform search (issue 23): documents of every kind written as
Taiwanese agencies write them, and 50 queries as citizens and staff type them, each with the answers a
person judged relevant (2 = what the query is after, 1 = also useful). Used by
tests/search/test_relevance.py on this small corpus, and by bench/search.py among 100,000 others.

Judged by reading each document against the query's intent, not by running the search."""

from __future__ import annotations

S, F, D, P = "services.service", "faq.entry", "opendata.dataset", "plans.item"

# key: (kind, title, text)
DOCUMENTS: dict[str, tuple[str, str, str]] = {
    "s-id-card": (
        S,
        "國民身分證初領、補領及換領",
        "年滿14歲應申請初領國民身分證；遺失者可至任一戶政事務所補領，應備相片及規費新臺幣200元。",
    ),
    "s-household": (
        S,
        "戶籍謄本申請",
        "本人或利害關係人可申請全戶或個人戶籍謄本，可臨櫃或以自然人憑證線上申請，每張規費15元。",
    ),
    "s-passport": (
        S,
        "普通護照申請",
        "首次申請護照須本人親自至外交部領事事務局或各地辦事處辦理，一般件10個工作天。",
    ),
    "s-driver": (S, "駕駛執照換發", "駕駛執照有效期限屆滿或汙損者，可至監理站換發，新式駕照免定期換照。"),
    "s-health-card": (
        S,
        "全民健康保險卡申請",
        "新生兒或遺失健保卡者可至健保署各業務組或郵局申請，工本費200元。",
    ),
    "s-tax-cert": (
        S,
        "綜合所得稅納稅證明書核發",
        "納稅義務人可臨櫃或線上申請綜合所得稅各類所得資料清單及納稅證明書。",
    ),
    "s-house-tax": (
        S,
        "房屋稅籍證明申請",
        "房屋所有權人可向地方稅務局申請房屋稅籍證明，供辦理水電接用或設籍。",
    ),
    "s-low-income": (
        S,
        "低收入戶資格審核",
        "家庭總收入平均分配全家人口，每人每月在最低生活費以下者，可向戶籍地區公所申請低收入戶。",
    ),
    "s-childcare": (
        S,
        "育兒津貼申請",
        "未滿2歲兒童由父母或監護人親自照顧者，可向戶籍地區公所申請育兒津貼，按月發給。",
    ),
    "s-elder-bus": (S, "敬老愛心卡申辦", "年滿65歲設籍本市之長者可申辦敬老卡，搭乘公車享每月點數優惠。"),
    "s-building": (
        S,
        "建造執照申請",
        "起造人應委託建築師向都市發展局申請建造執照，附建築圖說及土地使用權同意書。",
    ),
    "s-business": (
        S,
        "商業登記設立",
        "獨資或合夥商業開業前應向直轄市政府或縣市政府申請商業登記，可使用一站式線上申請。",
    ),
    "s-land-transfer": (
        S,
        "土地所有權移轉登記",
        "買賣、贈與或繼承土地應於30日內向地政事務所申請所有權移轉登記。",
    ),
    "s-garbage": (
        S,
        "大型廢棄家具清運預約",
        "市民可電話或線上預約清潔隊免費清運大型廢棄家具，每戶每次以5件為限。",
    ),
    "s-1999": (S, "1999市民當家熱線", "臺北市1999市民熱線受理市政諮詢、陳情及通報，24小時服務。"),
    "s-vaccine": (
        S,
        "幼兒常規疫苗接種",
        "出生滿2個月起依時程至衛生所或合約院所接種公費疫苗，攜帶兒童健康手冊。",
    ),
    "s-parking": (
        S,
        "身心障礙者專用停車位識別證",
        "身心障礙者或其家屬可向社會局申請專用停車位識別證，每車一張。",
    ),
    "s-app": (
        S,
        "行動支付繳納地方稅APP",
        "使用臺灣Pay或行動支付APP掃描繳款書條碼，即可繳納牌照稅、房屋稅及地價稅。",
    ),
    "f-id-lost": (
        F,
        "國民身分證遺失怎麼辦？",
        "請先向戶政事務所辦理掛失，再攜帶相片申請補領；掛失可撥打1996內政服務熱線。",
    ),
    "f-id-photo": (
        F,
        "申請身分證的相片有什麼規格？",
        "須為最近2年內所攝正面半身彩色相片，規格與護照相片相同。",
    ),
    "f-passport-kid": (
        F,
        "未成年人申請護照需要父母同意嗎？",
        "未滿18歲且未婚者申請護照，應經父或母或監護人同意並附身分證明文件。",
    ),
    "f-health-abroad": (
        F,
        "出國期間健保費要繼續繳嗎？",
        "出國預定6個月以上者可辦理停保，返國後復保；未辦理者仍須繳納。",
    ),
    "f-tax-online": (
        F,
        "納稅證明可以線上申請嗎？",
        "可以，使用自然人憑證、健保卡或行動身分識別登入財政部電子申報繳稅服務網申請。",
    ),
    "f-low-income-doc": (
        F,
        "申請低收入戶要準備哪些文件？",
        "應備申請表、全戶戶籍謄本、存摺影本及收入證明，向戶籍地區公所提出。",
    ),
    "f-garbage-time": (F, "垃圾車幾點來？", "各區垃圾車收運時間可查詢清潔隊網站或下載垃圾車動態APP。"),
    "f-driver-lost": (F, "駕照遺失如何補發？", "攜帶國民身分證及相片至任一監理站辦理補發，規費200元。"),
    "f-1999-complaint": (F, "如何向市政府陳情？", "可撥打1999市民熱線、使用市長信箱或親至各機關服務台陳情。"),
    "f-phone-manner": (F, "機關電話多久內要接聽？", "電話響3聲內接聽，轉接不超過1次，並先報機關與姓名。"),
    "f-business-name": (
        F,
        "商業名稱可以和別人一樣嗎？",
        "同一直轄市或縣市內不得使用與他人相同的商業名稱，可先線上查詢名稱。",
    ),
    "f-vaccine-late": (F, "疫苗晚打了怎麼辦？", "請儘速至衛生所補接種，不需重新開始，醫師會依時程評估。"),
    "f-house-tax-due": (F, "房屋稅什麼時候繳？", "房屋稅每年5月1日至5月31日繳納，可使用行動支付或超商繳納。"),
    "f-parking-card": (
        F,
        "身障停車證可以借給別人嗎？",
        "識別證限身心障礙者本人乘坐時使用，借用他人將被註銷。",
    ),
    "d-population": (D, "各鄉鎮市區人口數統計", "每月更新各鄉鎮市區戶數、人口數、出生及死亡人數，CSV格式。"),
    "d-low-income": (D, "低收入戶及中低收入戶戶數", "各縣市低收入戶、中低收入戶戶數及人數，每季更新。"),
    "d-garbage-route": (
        D,
        "垃圾車清運路線及時間",
        "全市垃圾車及資源回收車清運路線、停靠點及時間，每日更新，JSON格式。",
    ),
    "d-parking-lots": (D, "公有停車場即時剩餘車位", "公有路外停車場位置、總車位及即時剩餘車位數。"),
    "d-bus": (D, "公車動態資訊", "市區公車路線、站牌及預估到站時間，每分鐘更新。"),
    "d-tax-stats": (D, "地方稅稅收統計", "房屋稅、地價稅、牌照稅及契稅之年度實徵淨額。"),
    "d-1999-cases": (D, "1999市民熱線案件統計", "市民熱線每月受理件數，依案件類別及處理機關分類。"),
    "d-vaccine-rate": (D, "幼兒疫苗接種完成率", "各區滿2歲幼兒常規疫苗接種完成率，每年更新。"),
    "d-building-permits": (D, "建造執照核發資料", "每月核發建造執照之地號、樓層數、樓地板面積及用途。"),
    "d-satisfaction": (D, "為民服務滿意度調查結果", "各機關年度民眾滿意度調查之樣本數、滿意度及信賴區間。"),
    "d-aqi": (D, "空氣品質指標AQI", "各測站每小時空氣品質指標、PM2.5及臭氧濃度。"),
    "p-phone": (
        P,
        "落實電話禮貌測試",
        "每半年辦理電話禮貌測試，電話響3聲內接聽比率達95%以上，結果納入考核。",
    ),
    "p-counter": (
        P,
        "優化服務場所及櫃台動線",
        "改善洽公環境，設置無障礙坡道、哺集乳室及雙語標示，提升便民服務。",
    ),
    "p-single-window": (
        P,
        "推動單一窗口跨機關服務",
        "戶政、地政及稅務跨機關通報，民眾於單一窗口即可完成住址變更。",
    ),
    "p-e-service": (
        P,
        "擴大e化服務及線上申辦",
        "推動線上申辦服務全程網路化，民眾免臨櫃，提升數位服務比率至60%。",
    ),
    "p-complaint": (P, "人民陳情案件處理時效管控", "人民陳情案件應於6個工作天內答復，逾期案件列管追蹤。"),
    "p-survey": (P, "辦理為民服務滿意度調查", "每年委託辦理民眾滿意度調查，針對不滿意項目提出改善措施。"),
    "p-open-data": (
        P,
        "開放資料集擴充與品質提升",
        "每年新增開放資料集20項，並維持資料集格式為開放格式，定期更新。",
    ),
    "p-innovation": (P, "服務創新提案與標竿學習", "鼓勵同仁提出服務創新提案，觀摩政府服務獎得獎機關作法。"),
    "p-volunteer": (P, "運用志工協助洽公引導", "招募志工於服務台提供洽公引導及諮詢，提升民眾滿意度。"),
    "p-taipei-tax": (P, "臺北市稅捐稽徵便民措施", "稅捐稽徵處提供夜間服務及跨區收件，減少民眾往返。"),
    "p-bilingual": (
        P,
        "雙語服務環境建置",
        "第一線櫃台提供英語服務，網站及表單雙語化，服務新住民及外籍人士。",
    ),
    "p-elderly": (P, "高齡友善服務", "設置敬老博愛座及老花眼鏡，提供高齡者優先叫號服務。"),
}

# query: {document key: grade}
JUDGED: dict[str, dict[str, int]] = {
    "身分證": {"s-id-card": 2, "f-id-lost": 2, "f-id-photo": 2, "f-driver-lost": 1},
    "國民身分證": {"s-id-card": 2, "f-id-lost": 2, "f-id-photo": 1, "f-driver-lost": 1},
    "身分證遺失": {"f-id-lost": 2, "s-id-card": 1},
    "護照": {"s-passport": 2, "f-passport-kid": 2, "f-id-photo": 1},
    "未成年護照": {"f-passport-kid": 2, "s-passport": 1},
    "戶籍謄本": {"s-household": 2, "f-low-income-doc": 1},
    "駕照": {"s-driver": 2, "f-driver-lost": 2},
    "駕駛執照": {"s-driver": 2, "f-driver-lost": 2},
    "健保卡": {"s-health-card": 2, "f-health-abroad": 1, "f-tax-online": 1},
    "全民健康保險": {"s-health-card": 2, "f-health-abroad": 2},
    "納稅證明": {"s-tax-cert": 2, "f-tax-online": 2},
    "房屋稅": {"f-house-tax-due": 2, "s-house-tax": 2, "s-app": 1, "d-tax-stats": 1},
    "稅": {
        "s-tax-cert": 2,
        "s-house-tax": 2,
        "f-house-tax-due": 2,
        "d-tax-stats": 2,
        "s-app": 1,
        "f-tax-online": 2,
        "p-taipei-tax": 1,
    },
    "低收入戶": {"s-low-income": 2, "f-low-income-doc": 2, "d-low-income": 2},
    "低收入戶文件": {"f-low-income-doc": 2, "s-low-income": 1},
    "育兒津貼": {"s-childcare": 2},
    "敬老卡": {"s-elder-bus": 2},
    "建造執照": {"s-building": 2, "d-building-permits": 2},
    "商業登記": {"s-business": 2, "f-business-name": 1},
    "土地移轉": {"s-land-transfer": 2},
    "垃圾車": {"f-garbage-time": 2, "d-garbage-route": 2},
    "大型家具": {"s-garbage": 2},
    "1999": {"s-1999": 2, "f-1999-complaint": 2, "d-1999-cases": 2},
    "陳情": {"f-1999-complaint": 2, "p-complaint": 2, "s-1999": 1},
    "疫苗": {"s-vaccine": 2, "f-vaccine-late": 2, "d-vaccine-rate": 2},
    "疫苗補接種": {"f-vaccine-late": 2, "s-vaccine": 1},
    "停車": {"d-parking-lots": 2, "s-parking": 2, "f-parking-card": 2},
    "身障停車證": {"f-parking-card": 2, "s-parking": 2},
    "人口統計": {"d-population": 2},
    "公車": {"d-bus": 2, "s-elder-bus": 1},
    "空氣品質": {"d-aqi": 2},
    "AQI": {"d-aqi": 2},
    "pm2.5": {"d-aqi": 2},
    "APP": {"s-app": 2, "f-garbage-time": 1},
    "ＡＰＰ": {"s-app": 2, "f-garbage-time": 1},
    "電話禮貌": {"p-phone": 2, "f-phone-manner": 2},
    "電話": {"p-phone": 2, "f-phone-manner": 2, "s-garbage": 1, "f-id-lost": 1},
    "滿意度調查": {"p-survey": 2, "d-satisfaction": 2},
    "滿意度": {"p-survey": 2, "d-satisfaction": 2, "p-volunteer": 1},
    "單一窗口": {"p-single-window": 2},
    "e化服務": {"p-e-service": 2},
    "線上申辦": {"p-e-service": 2, "s-business": 1, "s-household": 1},
    "開放資料": {"p-open-data": 2},
    "服務創新": {"p-innovation": 2},
    "志工": {"p-volunteer": 2},
    "台北市": {"p-taipei-tax": 2, "s-1999": 2},
    "臺北市稅捐": {"p-taipei-tax": 2},
    "雙語": {"p-bilingual": 2, "p-counter": 1},
    "無障礙": {"p-counter": 2},
    "高齡友善服務": {"p-elderly": 2, "s-elder-bus": 1},
}

# What the body maintains as synonyms (search.Synonym): a query for one finds the others.
SYNONYMS = [
    "身分證, 國民身分證",
    "駕照, 駕駛執照",
    "健保卡, 全民健康保險卡",
    "健保, 全民健康保險",
    "身障, 身心障礙",
    "敬老卡, 敬老愛心卡",
    "家具, 廢棄家具",
]
