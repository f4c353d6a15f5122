"""Programs still holding servq's first wording of the two calendars get the seeds' own (issue 37.7):
003's 2月底, 12月底 and 「次年1月15日前」, and 004's 「(附件 2、3)」. A calendar a body edited is left alone."""

from django.db import migrations

OLD_LEAP = """執行計畫簽報上級機關審定，並公開於機關網站及服務場所｜1 月底
上半年自行考核，評核結果登載於機關網頁｜上半年
下半年自行考核，評核結果登載於機關網頁｜下半年
當年度執行績效與成果報部｜次年 1 月"""
OLD_STEP = "本府各機關訂定年度「執行計畫」及審核所屬機關「工作計畫」｜2 月至 4 月"


def forwards(apps, schema_editor):
    from servq.plans.editions import BY_NAME

    Program = apps.get_model("plans", "Program")
    Program.objects.filter(name="政府服務躍升方案", schedule=OLD_LEAP).update(
        schedule=BY_NAME["政府服務躍升方案"].schedule
    )
    for program in Program.objects.filter(name="政府服務創新精進方案", schedule__contains=OLD_STEP):
        program.schedule = program.schedule.replace(
            OLD_STEP, "本府各機關訂定年度「執行計畫」及審核所屬機關「工作計畫」(附件 2、3)｜2 月至 4 月"
        )
        program.save(update_fields=["schedule"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0008_indicator_override")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
