from django.db import migrations

SOURCES = [
    ("walk_in", "自然到访", "Walk-in"),
    ("phone", "来电", "Phone call"),
    ("online", "网络", "Online"),
    ("referral", "老带新", "Referral"),
    ("agency", "代理渠道", "Agency"),
    ("event", "活动", "Event"),
    ("outdoor_ad", "户外广告", "Outdoor ad"),
    ("other", "其他", "Other"),
]


def add_sources(apps, schema_editor):
    SourceChannel = apps.get_model("customers", "SourceChannel")
    for order, (code, name, name_en) in enumerate(SOURCES):
        SourceChannel.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_initial")]
    operations = [migrations.RunPython(add_sources, migrations.RunPython.noop)]
