"""A posting's place and pay read as each language writes them."""

import pytest
from django.urls import reverse

from internships.tests.factories import PostingFactory


@pytest.fixture
def posting(db):
    return PostingFactory(
        location_en="Maebashi", location_ja="前橋市", prefecture="10", is_paid=True, monthly_pay_yen=180000
    )


def page(client, posting, language):
    client.cookies["django_language"] = language
    return client.get(reverse("internships:posting_detail", args=[posting.pk]), HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.django_db
def test_japanese_readers_see_the_address_in_japanese_order_and_a_grouped_amount(client, student, posting):
    client.force_login(student)
    student.language = "ja"
    student.save()
    html = page(client, posting, "ja").content.decode()
    assert "群馬県前橋市" in html
    assert "Maebashi" not in html
    assert "月額180,000円" in html


@pytest.mark.django_db
def test_english_readers_see_city_then_prefecture_and_a_grouped_amount(client, student, posting):
    client.force_login(student)
    html = page(client, posting, "en").content.decode()
    assert "Maebashi, Gunma" in html
    assert "¥180,000 a month" in html


@pytest.mark.django_db
def test_a_place_without_its_japanese_text_falls_back_to_english_after_the_prefecture(client, student):
    posting = PostingFactory(location_en="Ota", location_ja="", prefecture="10")
    client.force_login(student)
    student.language = "ja"
    student.save()
    html = page(client, posting, "ja").content.decode()
    assert "群馬県 Ota" in html
