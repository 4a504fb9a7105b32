"""On the catalogue, the internship list and the group finder, the search box stays in view and
the other filters wait behind a "Filter" button that says how many of them are set."""

import re

import pytest

from courses.tests.factories import ProgrammeFactory, published_module


def summary(html):
    return re.search(r'<details class="filters-toggle[^"]*"( open)?>\s*<summary>(.*?)</summary>', html, re.S)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "count"),
    [
        ("/courses/", None),
        ("/courses/?q=energy", None),  # the search box is beside the button, not behind it
        ("/courses/?level=undergraduate&seats=on&term=", "2"),
        ("/internships/?mode=remote", "1"),
        ("/internships/?q=&mode=&prefecture=", None),
        ("/community/?category=hobby&q=tokyo", "1"),
    ],
)
def test_the_filter_button_counts_the_filters_set(client, student, url, count):
    published_module(title_en="Urban Futures", level="undergraduate")
    client.force_login(student)
    html = client.get(url).content.decode()
    found = summary(html)
    assert found, url
    counter = re.search(r'<span class="filters-toggle__count">(\d+)', found.group(2))
    assert (counter.group(1) if counter else None) == count


@pytest.mark.django_db
def test_the_filters_open_by_themselves_when_they_leave_nothing_to_show(client, student):
    published_module(title_en="Urban Futures", level="undergraduate")
    client.force_login(student)
    assert summary(client.get("/courses/?level=undergraduate").content.decode()).group(1) is None
    assert summary(client.get("/courses/?level=graduate").content.decode()).group(1) == " open"


@pytest.mark.django_db
def test_the_filter_button_speaks_japanese(client, student):
    student.language = "ja"
    student.save()
    client.force_login(student)
    client.cookies["django_language"] = "ja"
    html = client.get("/internships/?mode=remote&field=ict", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "絞り込み" in summary(html).group(2) and "件の条件を指定中" in summary(html).group(2)


@pytest.mark.django_db
def test_programmes_show_their_cover_or_a_generated_picture(client):
    from community import demo_images

    with_cover = ProgrammeFactory(title_en="Chiba Urban Lab", status="published")
    with_cover.cover.save("lab.jpg", demo_images.scene("lab", size=(400, 225)), save=True)
    ProgrammeFactory(title_en="Sendai Field School", status="published")
    html = client.get("/courses/programmes/").content.decode()
    assert f'src="{with_cover.cover.url}"' in html
    assert re.search(r'class="course-card__cover cover--generated avatar--c\d" aria-hidden="true">SS</div>', html)
    detail = client.get(with_cover.get_absolute_url()).content.decode()
    assert f'src="{with_cover.cover.url}"' in detail
