"""`{% url %}` remembers what it reversed (jige_portal/urltag.py) and gives what Django's tag gives."""

import pytest
from django.template import engines
from django.template.defaulttags import URLNode as DjangosURLNode
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils.functional import lazy as lazy_text

from jige_portal import urltag


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_the_portals_templates_use_the_remembering_tag():
    template = engines["django"].from_string("{% url 'community:profile' 5 %}")
    nodes = template.template.nodelist.get_nodes_by_type(DjangosURLNode)
    assert [type(node) for node in nodes] == [urltag.URLNode]


def test_each_argument_gives_its_own_url_as_djangos_reverse():
    source = "{% url 'community:profile' pk %}|{% url 'community:group_detail' slug=slug %}"
    for pk, slug in [(5, "kansai-hiking"), (6, "kansai-hiking"), (5, "tohoku-robotics"), ("7", "kyoto")]:
        expected = f"{reverse('community:profile', args=[pk])}|{reverse('community:group_detail', args=[slug])}"
        assert render(source, pk=pk, slug=slug) == expected


def test_a_url_follows_the_script_prefix():
    plain = render("{% url 'community:organizations' %}")
    set_script_prefix("/portal/")
    try:
        assert render("{% url 'community:organizations' %}") == "/portal" + plain
    finally:
        set_script_prefix("/")
    assert render("{% url 'community:organizations' %}") == plain


def test_an_unknown_name_raises_and_as_a_variable_gives_nothing():
    with pytest.raises(NoReverseMatch):
        render("{% url 'community:no_such_page' %}")
    with pytest.raises(NoReverseMatch):
        render("{% url 'community:profile' 'not-a-number' %}")
    assert render("{% url 'community:no_such_page' as link %}[{{ link }}]") == "[]"


def test_an_argument_that_is_not_plain_text_or_a_number_is_reversed_each_time(monkeypatch):
    calls = []
    monkeypatch.setattr(urltag, "_reversed", lambda *args: calls.append(args) or "remembered")
    assert render("{% url 'community:group_detail' slug %}", slug="sendai-hikers") == "remembered"
    lazy = lazy_text(str, str)("kyoto")  # a lazy text, a model instance: reversed by Django from their str()
    assert render("{% url 'community:group_detail' slug %}", slug=lazy) == reverse(
        "community:group_detail", args=["kyoto"]
    )
    assert len(calls) == 1
