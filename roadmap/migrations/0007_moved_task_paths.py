"""The background tasks moved with their modules (roadmap/pdf/, roadmap/workflow/): the task
queue names a task by its import path, so the tasks waiting in it (an archive render, an e-mail
retried for hours) and the results a progress page still reads are renamed with them."""

from django.db import migrations

MOVED = {
    "roadmap.tasks.render_plan": "roadmap.pdf.tasks.render_plan",
    "roadmap.notifications.send_step_notification": (
        "roadmap.workflow.notifications.send_step_notification"
    ),
}


def rename(apps, schema_editor, moves: dict[str, str]) -> None:
    results = apps.get_model("django_tasks_database", "DBTaskResult").objects
    for old, new in moves.items():
        results.filter(task_path=old).update(task_path=new)


def forwards(apps, schema_editor) -> None:
    rename(apps, schema_editor, MOVED)


def backwards(apps, schema_editor) -> None:
    rename(apps, schema_editor, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0006_derived_figures_and_signed_sections"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
