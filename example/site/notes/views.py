from django.core.cache import cache, caches
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from mysite.version import CODE_VERSION

from .models import Note
from .tasks import process_note


def index(request):
    notes = Note.objects.order_by("-created")[:20]
    return render(request, "notes/index.html", {"notes": notes, "version": CODE_VERSION})


def add_note(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    note = Note.objects.create(text=request.POST.get("text", "")[:200])
    process_note.delay(note.pk)
    return redirect("index")


def health(request):
    """Answers without the database: what a load balancer (or a load test) asks."""
    return HttpResponse(f"ok {CODE_VERSION}\n", content_type="text/plain")


def api_note(request, pk=None):
    """POST text to create a note (processed later by the Celery worker); GET /api/notes/ID/."""
    if request.method == "POST":
        note = Note.objects.create(text=request.POST.get("text", "")[:200])
        process_note.delay(note.pk)
        return JsonResponse({"id": note.pk}, status=201)
    note = get_object_or_404(Note, pk=pk)
    return JsonResponse({"id": note.pk, "text": note.text, "processed": note.processed})


def upload(request):
    if request.method != "POST" or "file" not in request.FILES:
        return HttpResponseNotAllowed(["POST"])
    upload = request.FILES["file"]
    name = default_storage.save("uploads/" + upload.name, upload)
    return JsonResponse({"name": name, "url": default_storage.url(name)}, status=201)


def cached(request):
    """Stores ?value= in the cache and reads it back."""
    if "value" in request.GET:
        cache.set("probe", request.GET["value"], 300)
    return JsonResponse({"value": cache.get("probe"), "backend": type(caches["default"]).__name__})
