"""Routes of the public guide "Mag ik dit delen?"; included under the policy namespace at mag-ik-dit-delen/."""

from django.urls import path

from keten.policy.guide import views

urlpatterns = [
    path("", views.guide, name="guide"),
    path("stap/", views.guide_step, name="guide-step"),
]
