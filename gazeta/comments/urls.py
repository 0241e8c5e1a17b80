from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("trimite/", views.comment_post, name="post"),
]
