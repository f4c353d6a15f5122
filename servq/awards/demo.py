"""The demo's award: this year's edition with two categories and two stages, 003's rulebook, the
survey answered, two entries scored through the first stage."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from servq.agencies.models import Agency
from servq.awards import rulebooks, services
from servq.awards.models import Edition
from servq.core import demo

CATEGORIES = "overall｜整體服務類｜本府所屬各機關\nproject｜專案規劃類｜具體專案"
# 003's dimensions as it writes them (壹、三、(一) 整體服務類: 基礎服務、服務遞送、服務量能、服務評價及
# 開放創新; (二) 專案規劃類: 問題分析、規劃內容、推動成效及開放創新). 003 gives no weights: the equal
# weights here are servq's example, which a body replaces with its own.
CRITERIA = """overall｜A｜基礎服務｜20｜10
overall｜B｜服務遞送｜20｜10
overall｜C｜服務量能｜20｜10
overall｜D｜服務評價｜20｜10
overall｜E｜開放創新｜20｜10
project｜P1｜問題分析｜25｜10
project｜P2｜規劃內容｜25｜10
project｜P3｜推動成效｜25｜10
project｜P4｜開放創新｜25｜10"""
STAGES = "初審｜書面審查｜1｜zscore\n推薦｜實地訪查｜1｜mean"


def ensure_demo_award() -> bool:
    supervisor = get_user_model().objects.filter(username="supervisor").first()
    reviewer = get_user_model().objects.filter(username="reviewer").first()
    agencies = {a.code: a for a in Agency.objects.filter(code__in=["demo", "demo-civil", "demo-north"])}
    if supervisor is None or reviewer is None or len(agencies) < 3 or Edition.objects.exists():
        return False
    year = timezone.localdate().year
    edition = services.create_edition(
        by=supervisor, body=agencies["demo"], name=f"{year - 1911}年度市政服務獎", year=year
    )
    services.set_up(by=supervisor, edition=edition, categories=CATEGORIES, criteria=CRITERIA, stages=STAGES)
    services.save_rulebook(
        by=supervisor, body=agencies["demo"], name=rulebooks.RULEBOOKS["003"][0], text=rulebooks.SEED_003
    )
    overall = edition.categories.get(code="overall")
    for code, title in [("demo-civil", "戶政一處收件全程服務"), ("demo-north", "區公所行動櫃檯到府服務")]:
        services.answer_survey(
            by=supervisor, edition=edition, agency=agencies[code], will_enter=True, category=overall
        )
        services.enter(
            by=supervisor,
            edition=edition,
            agency=agencies[code],
            category=overall,
            title=title,
            answers={c.pk: f"{title}：{c.name}的具體作法與成效。" for c in overall.criteria.all()},
            people=[("林聯絡人", "科長", "main"), ("李局長", "局長", "head")],
        )
    services.add_reviewer(by=supervisor, edition=edition, user=reviewer)
    services.add_reviewer(by=supervisor, edition=edition, user=supervisor)
    first = edition.stages.order_by("position").first()
    assert first is not None
    services.assign_evenly(by=supervisor, stage=first, per_entry=2)
    for assignment in first.assignments.select_related("reviewer__user", "entry"):
        base = 8 if assignment.entry.agency.code == "demo-civil" else 7
        services.save_scores(
            by=assignment.reviewer.user,
            assignment=assignment,
            scores={c.pk: str(base + (c.position % 2)) for c in overall.criteria.all()},
        )
    return True


@demo.part(80, "award")
def _load_demo_part(log: demo.Log) -> str | None:
    if not ensure_demo_award():
        return None
    return "demo: this year's award with 003's rulebook, two entries scored in the first stage"
