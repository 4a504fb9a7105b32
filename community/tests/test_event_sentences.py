"""Audit events read as translated sentences, never as their dotted names."""

import ast
import itertools
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from community import events, services
from community.tests.factories import CommunityGroupFactory, PostFactory
from internships.models import Application

APPS = ("community", "courses", "internships", "credentials")
MODERATION_KINDS = ("post", "comment", "message")


def _values(node, constants: dict) -> list[str]:
    """Every string an event-name expression can take: literals, module constants, `+`, and
    `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a, b in itertools.product(_values(node.left, constants), _values(node.right, constants))]
    if isinstance(node, ast.IfExp):
        return _values(node.body, constants) + _values(node.orelse, constants)
    raise AssertionError(f"an audit event name that this test cannot read: {ast.unparse(node)}")


def audit_event_names() -> set[str]:
    names = set()
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants = {
                target.id: node.value.value
                for node in tree.body
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                for target in node.targets
                if isinstance(target, ast.Name) and isinstance(node.value.value, str)
            }
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and node.args:
                    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                    if name == "audit":
                        names.update(_values(node.args[0], constants))
    return names


def every_event_name() -> list[str]:
    names = audit_event_names()
    names.update(f"community.moderation.{verb}:{kind}" for verb in ("hidden", "restored") for kind in MODERATION_KINDS)
    names.update(event for _actor, event in Application.TRANSITIONS.values())
    return sorted(names)


def test_the_scan_finds_the_events_of_both_apps():
    names = every_event_name()
    assert "community.moderation.hidden" in names and "community.join_request.rejected" in names
    assert "internships.application.submitted" in names and len(names) > 30


@pytest.mark.parametrize("event", every_event_name())
def test_every_event_name_used_in_the_code_has_a_sentence_in_both_languages(event):
    assert events.has_sentence(event), f"no sentence for {event} in community.events"
    names_the_group = "%(group)s" in str(events.SENTENCES[event]._args[-1])
    group = CommunityGroupFactory.build(name_en="Hiking club", name_ja="ハイキング部")
    event, _, kind = event.partition(":")
    target = f"{kind}:1" if kind else ""
    with translation.override("en"):
        english = events.sentence(event, group=group, target=target)
    with translation.override("ja"):
        japanese = events.sentence(event, group=group, target=target)
    assert english != str(events.UNKNOWN) and english.endswith("."), (event, english)
    assert japanese != english and not japanese.isascii() and japanese.endswith("。"), (event, japanese)
    if names_the_group:
        assert "Hiking club" in english and "ハイキング部" in japanese


def test_an_unknown_event_reads_as_a_neutral_sentence():
    with translation.override("en"):
        assert events.sentence("community.something.new") == "Recorded a change."
    with translation.override("ja"):
        assert events.sentence("community.something.new") == "変更を記録しました。"


@pytest.fixture
def hidden_post(db, student, other_student, staff_member):
    group = CommunityGroupFactory(name_en="Hiking club", name_ja="ハイキング部")
    services.add_member(group=group, user=student)
    post = PostFactory(group=group, author=student)
    report = services.report_content(reporter=other_student, reason="Off topic", post=post)
    services.moderate_report(report=report, by=staff_member, hide=True)
    return post


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Tanaka Staff: Hid a post in Hiking club."),
        ("ja", "Tanaka Staff: 「ハイキング部」の投稿を非表示にしました。"),
    ],
)
def test_moderation_log_shows_a_sentence_in_the_moderators_language(
    client, hidden_post, staff_member, language, sentence
):
    staff_member.language = language
    staff_member.save()
    client.force_login(staff_member)
    html = client.get(reverse("community:moderation_queue")).content.decode()
    assert sentence in html
    assert "community.moderation" not in html and f"post:{hidden_post.pk}" not in html


@pytest.mark.django_db
def test_an_entry_about_a_deleted_group_still_reads_as_a_sentence(client, hidden_post, staff_member):
    hidden_post.group.delete()
    staff_member.language = "en"
    staff_member.save()
    client.force_login(staff_member)
    html = client.get(reverse("community:moderation_queue")).content.decode()
    assert "Tanaka Staff: Hid a post in a deleted group." in html
