"""Fill the office calendar for 2015–2030 from the `holidays` package, so every new database has it.

A newer official calendar is loaded with `manage.py load_office_calendar FILE.csv`.
"""

from django.db import migrations

FIRST_YEAR, LAST_YEAR = 2015, 2030


def fill(apps, schema_editor):
    from servq.core.calendar_sources import from_holidays_package

    OfficeDay = apps.get_model("core", "OfficeDay")
    existing = set(OfficeDay.objects.values_list("date", flat=True))
    OfficeDay.objects.bulk_create(
        OfficeDay(date=row.date, kind=row.kind, name=row.name[:120], source="holidays")
        for row in from_holidays_package(FIRST_YEAR, LAST_YEAR)
        if row.date not in existing
    )


def empty(apps, schema_editor):
    apps.get_model("core", "OfficeDay").objects.filter(source="holidays").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_within")]
    operations = [migrations.RunPython(fill, empty)]
