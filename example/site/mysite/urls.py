from django.urls import path

from notes import views

urlpatterns = [
    path("", views.index, name="index"),
    path("notes/", views.add_note, name="add-note"),
    path("health/", views.health, name="health"),
    path("api/notes/", views.api_note, name="api-notes"),
    path("api/notes/<int:pk>/", views.api_note, name="api-note"),
    path("upload/", views.upload, name="upload"),
    path("cache/", views.cached, name="cache"),
]
