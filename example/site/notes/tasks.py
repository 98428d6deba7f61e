from celery import shared_task

from .models import Note


@shared_task
def process_note(note_id):
    """Marks a note as processed: the web request returns at once, the worker does this."""
    Note.objects.filter(pk=note_id).update(processed=True)
