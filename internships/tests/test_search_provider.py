"""Internship postings in the portal's search: open postings of approved companies only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.sitesearch import provider_for
from internships.models import HostCompany, Posting
from internships.tests.factories import HostCompanyFactory, PostingFactory


def titles(rows):
    return sorted(row.title for row in rows)


@pytest.mark.django_db
def test_postings_visible_on_the_list_are_found_in_both_languages(client, student):
    PostingFactory(title_en="Sake brewery assistant", title_ja="酒蔵のアシスタント")
    PostingFactory(title_en="Sake draft", status=Posting.Status.DRAFT)
    PostingFactory(title_en="Sake closed", application_deadline=timezone.localdate() - timedelta(days=1))
    PostingFactory(title_en="Sake pending company", company=HostCompanyFactory(status=HostCompany.Status.PENDING))
    provider = provider_for("postings")
    assert titles(provider.results(student, "sake")) == ["Sake brewery assistant"]
    assert titles(provider.results(student, "酒蔵")) == ["Sake brewery assistant"]
    # The company's name and the prefecture are searchable too (前橋, Gunma).
    assert titles(provider.results(student, "群馬")) == ["Sake brewery assistant"]
    listing = client.get(provider.see_all_url("sake"))
    assert [posting.title for posting in listing.context["page"].object_list] == ["Sake brewery assistant"]
