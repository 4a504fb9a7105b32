"""The admin names roles as people read them, in the admin's language, never by their keys."""

import re

import pytest
from django.urls import reverse

from community.tests.factories import UserFactory


def option_texts(page: str) -> list[str]:
    return [text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", page)]


@pytest.mark.django_db
def test_roles_read_as_words_in_the_user_admin_and_the_role_list(client, student):
    superuser = UserFactory(is_staff=True, is_superuser=True, language="ja")
    client.force_login(superuser)

    change = client.get(reverse("admin:community_user_change", args=[student.pk])).content.decode()
    options = option_texts(change)
    assert "企業担当者" in options and "教員" in options
    assert "company_contact" not in options

    changelist = client.get(reverse("admin:community_user_changelist")).content.decode()
    assert "企業担当者" in changelist
    assert ">company_contact<" not in changelist

    roles = client.get(reverse("admin:auth_group_changelist")).content.decode()
    assert "企業担当者" in roles


@pytest.mark.django_db
def test_filtering_members_by_role(client, student, faculty):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    from django.contrib.auth.models import Group

    faculty_role = Group.objects.get(name="faculty")
    page = client.get(reverse("admin:community_user_changelist"), {"role": faculty_role.pk}).content.decode()
    assert faculty.email in page
    assert student.email not in page
