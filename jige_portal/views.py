from django import forms
from django.shortcuts import render


class FloorForm(forms.Form):
    query = forms.CharField(label="Search", required=False)


def bench_floor(request):
    """The benchmark's floor: a template with a form and 20 list items, and no query."""
    items = [f"Item {number}" for number in range(1, 21)]
    return render(request, "bench/floor.html", {"form": FloorForm(), "items": items})
