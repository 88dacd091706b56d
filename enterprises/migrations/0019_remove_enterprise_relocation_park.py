from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0018_tiered_paths_data")]
    operations = [migrations.RemoveField(model_name="enterprise", name="relocation_park")]
