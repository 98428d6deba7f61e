from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from .models import Note
from .tasks import process_note


def index(request):
    return render(request, "notes/index.html", {"notes": Note.objects.order_by("-created")[:20]})


def add_note(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    note = Note.objects.create(text=request.POST.get("text", "")[:200])
    process_note.delay(note.pk)
    return redirect("index")
