"""Routes of the monitor, under /monitor/: the dashboard and each of its tables as CSV or XLSX."""

from django.urls import path

from keten.monitor import views

app_name = "monitor"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:table>.csv", views.export_csv, name="export-csv"),
    path("export/<slug:table>.xlsx", views.export_xlsx, name="export-xlsx"),
]
