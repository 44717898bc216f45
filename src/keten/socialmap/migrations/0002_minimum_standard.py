# Placeholder: the ondergrens (minimum standard) models land here.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("socialmap", "0001_initial")]

    operations = []
