"""Routes of the monitor, under /monitor/: the dashboard and each of its tables as CSV or XLSX, the quarterly
report and the yearly dataset, and the page and download of such a background export."""

from django.urls import path

from keten.monitor import views

app_name = "monitor"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:table>.csv", views.export_csv, name="export-csv"),
    path("export/<slug:table>.xlsx", views.export_xlsx, name="export-xlsx"),
    path("rapport/", views.report, name="report"),
    path("jaarbestand/", views.dataset, name="dataset"),
    path("exports/<uuid:job_id>/", views.export_job, name="export-job"),
    path("exports/<uuid:job_id>/download", views.export_download, name="export-download"),
]
