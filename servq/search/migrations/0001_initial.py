import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("agencies", "0001_initial"),
        ("plans", "0002_plan_cycle"),
    ]
    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("first_year", models.PositiveSmallIntegerField()),
                ("last_year", models.PositiveSmallIntegerField()),
                ("status", models.CharField(max_length=20)),
                ("unit_names", models.CharField(blank=True, max_length=1000)),
                ("terms", models.TextField()),
                ("context_terms", models.TextField(blank=True)),
                ("agency", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="agencies.agency")),
                ("item", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="search_document", to="plans.planitem")),
                ("node", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="plans.frameworknode")),
                ("plan", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="plans.plan")),
                ("program", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="plans.program")),
            ],
            options={"indexes": [models.Index(fields=["status", "first_year"], name="search_status_year_idx")]},
        ),
    ]
