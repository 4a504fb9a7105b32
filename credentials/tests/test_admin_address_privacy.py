"""Faculty cannot find out in the credentials admin which e-mail addresses have an account."""

import pytest
from django.urls import reverse

from credentials.tests.factories import AwardFactory


@pytest.mark.django_db
def test_faculty_find_awards_by_name_but_not_by_e_mail(client, faculty, staff_member, student):
    award = AwardFactory(recipient=student)
    faculty.organization = award.achievement.issuer  # faculty of the issuing university
    faculty.save()
    url = reverse("admin:credentials_award_changelist")
    client.force_login(faculty)
    assert client.get(url).status_code == 200
    by_address = client.get(url, {"q": "mai.student@"}).content.decode()
    assert f"/admin/credentials/award/{award.pk}/change/" not in by_address
    by_name = client.get(url, {"q": "Mai Student"}).content.decode()
    assert f"/admin/credentials/award/{award.pk}/change/" in by_name

    client.force_login(staff_member)
    by_address = client.get(url, {"q": "mai.student@"}).content.decode()
    assert f"/admin/credentials/award/{award.pk}/change/" in by_address
