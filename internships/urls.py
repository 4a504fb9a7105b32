from django.urls import path

from . import views

app_name = "internships"

urlpatterns = [
    path("", views.index, name="index"),
]
