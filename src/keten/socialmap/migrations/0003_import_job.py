# Placeholder: the import-job model of the spreadsheet and data-package import lands here.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("socialmap", "0002_minimum_standard")]

    operations = []
