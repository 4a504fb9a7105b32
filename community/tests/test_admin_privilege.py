"""Privileges are granted only by superusers: staff who may change users cannot make anybody
(themselves included) a superuser, give roles or permissions, touch a superuser's account, or
change what a role may do."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from community.tests.factories import PASSWORD, OrganizationFactory, UserFactory
from community.tests.pages import form_fields, page, signed_in

pytestmark = pytest.mark.django_db

PRIVILEGE_INPUTS = ['name="is_superuser"', 'name="is_staff"', 'name="groups"', 'name="user_permissions"']


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True, display_name="Root Admin", email="root@example.org")


def change_url(user):
    return reverse("admin:community_user_change", args=[user.pk])


def escalating_post(client, user, **changes):
    """The change form as the browser would send it, with every privilege ticked on top."""
    url = change_url(user)
    response = client.get(url)
    assert response.status_code == 200
    html = page(response)
    fields = form_fields(html, id="user_form")
    fields.update(
        is_superuser="on",
        is_staff="on",
        groups=[str(pk) for pk in Group.objects.values_list("pk", flat=True)],
        user_permissions=[str(pk) for pk in Permission.objects.values_list("pk", flat=True)],
        **changes,
    )
    return html, client.post(url, fields)


def test_staff_member_cannot_make_themselves_superuser(staff_member):
    html, response = escalating_post(signed_in(staff_member), staff_member, display_name="Tanaka (renamed)")

    assert not any(field in html for field in PRIVILEGE_INPUTS)
    assert response.status_code == 302, page(response)[:2000]
    staff_member.refresh_from_db()
    assert staff_member.display_name == "Tanaka (renamed)"  # the rest of the form was saved
    assert not staff_member.is_superuser
    assert set(staff_member.groups.values_list("name", flat=True)) == {"staff"}
    assert not staff_member.user_permissions.exists()


def test_staff_member_cannot_give_another_member_power(staff_member, student):
    html, response = escalating_post(signed_in(staff_member), student, display_name="Mai (renamed)")

    assert not any(field in html for field in PRIVILEGE_INPUTS if field != 'name="groups"')
    staff_role = Group.objects.get(name="staff")
    assert f'value="{staff_role.pk}"' not in html  # not offered among the roles
    assert response.status_code == 200 and response.context["errors"]  # the staff role is refused
    student.refresh_from_db()
    assert student.display_name == "Mai Student"
    assert not student.is_superuser and not student.is_staff
    assert set(student.groups.values_list("name", flat=True)) == {"student"}
    assert not student.user_permissions.exists()


def test_staff_member_gives_a_member_the_faculty_role_they_asked_for(staff_member, student):
    client = signed_in(staff_member)
    url = change_url(student)
    fields = form_fields(page(client.get(url)), id="user_form")
    fields["groups"] = [
        str(pk) for pk in Group.objects.filter(name__in=["student", "faculty"]).values_list("pk", flat=True)
    ]

    response = client.post(url, fields)

    assert response.status_code == 302, page(response)[:2000]
    student.refresh_from_db()
    assert set(student.groups.values_list("name", flat=True)) == {"student", "faculty"}
    assert student.is_staff and not student.is_superuser  # faculty work in the admin


def test_staff_member_cannot_create_a_privileged_member(staff_member):
    client = signed_in(staff_member)
    url = reverse("admin:community_user_add")
    response = client.post(
        url,
        {
            **form_fields(page(client.get(url)), id="user_form"),
            "email": "new.member@example.org",
            "display_name": "New Member",
            "password1": "a long and unusual passphrase 42",
            "password2": "a long and unusual passphrase 42",
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [str(Group.objects.get(name="staff").pk)],
        },
    )

    assert response.status_code == 302, page(response)[:2000]
    created = UserFactory._meta.model.objects.get(email="new.member@example.org")
    assert not created.is_superuser and not created.is_staff
    assert not created.groups.exists()


@pytest.fixture(params=["superuser", "staff colleague"])
def powerful_account(request, db):
    """Accounts whose address or password, once changed, would hand over their powers: a
    superuser, and staff of another university (who decide its credit recognition)."""
    if request.param == "superuser":
        return UserFactory(is_staff=True, is_superuser=True, display_name="Root Admin", email="root@example.org")
    other_university = OrganizationFactory(name_en="Tohoku University", slug="tohoku", country="JP")
    return UserFactory(
        roles=["staff"], display_name="Sasaki Staff", email="sasaki.staff@example.org", organization=other_university
    )


def test_staff_member_cannot_take_over_a_powerful_account(staff_member, powerful_account):
    email = powerful_account.email
    roles = set(powerful_account.groups.values_list("name", flat=True))
    client = signed_in(staff_member)
    url = change_url(powerful_account)

    view = client.get(url)
    assert view.status_code == 200  # shown read-only
    assert 'name="email"' not in page(view) and 'name="groups"' not in page(view)
    assert client.post(url, {"email": "tanaka.staff+takeover@example.org", "groups": []}).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[powerful_account.pk])
    assert client.get(password_url).status_code == 403
    assert client.post(password_url, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 403
    delete_url = reverse("admin:community_user_delete", args=[powerful_account.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:community_user_changelist"),
        {"action": "delete_selected", "_selected_action": [powerful_account.pk], "post": "yes"},
    )

    powerful_account.refresh_from_db()
    assert powerful_account.email == email
    assert powerful_account.check_password(PASSWORD)
    assert set(powerful_account.groups.values_list("name", flat=True)) == roles


def test_superuser_grants_superuser_status_roles_and_permissions(superuser, student):
    client = signed_in(superuser)
    html, response = escalating_post(client, student)

    assert all(field in html for field in PRIVILEGE_INPUTS)
    assert response.status_code == 302, page(response)[:2000]
    student.refresh_from_db()
    assert student.is_superuser and student.is_staff
    assert set(student.groups.values_list("name", flat=True)) >= {"staff", "faculty", "student"}
    assert student.user_permissions.count() == Permission.objects.count()


def test_staff_member_cannot_change_what_a_role_may_do(staff_member):
    """Even someone holding the permissions on roles themselves: the staff role decides credit
    recognition, so what any role may do is for superusers to decide."""
    staff_member.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="auth", codename__endswith="_group")
    )
    role = Group.objects.get(name="staff")
    before = set(role.permissions.values_list("pk", flat=True))
    client = signed_in(staff_member)
    url = reverse("admin:auth_group_change", args=[role.pk])

    view = client.get(url)
    assert view.status_code == 200 and 'name="permissions"' not in page(view)
    everything = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    assert client.post(url, {"name": "staff", "permissions": everything}).status_code == 403
    add = client.post(reverse("admin:auth_group_add"), {"name": "powerful", "permissions": everything})
    assert add.status_code == 403
    assert client.post(reverse("admin:auth_group_delete", args=[role.pk]), {"post": "yes"}).status_code == 403

    assert set(role.permissions.values_list("pk", flat=True)) == before
    assert not Group.objects.filter(name="powerful").exists()


def test_staff_member_without_rights_on_roles_cannot_open_them(staff_member):
    role = Group.objects.get(name="staff")
    client = signed_in(staff_member)
    assert client.get(reverse("admin:auth_group_change", args=[role.pk])).status_code == 403
    assert client.post(reverse("admin:auth_group_add"), {"name": "powerful"}).status_code == 403


def test_superuser_changes_what_a_role_may_do(superuser):
    role = Group.objects.get(name="faculty")
    extra = Permission.objects.get(codename="view_recognitionrequest")
    kept = [str(pk) for pk in role.permissions.values_list("pk", flat=True)]
    client = signed_in(superuser)

    response = client.post(
        reverse("admin:auth_group_change", args=[role.pk]), {"name": "faculty", "permissions": [*kept, str(extra.pk)]}
    )

    assert response.status_code == 302, page(response)[:2000]
    assert role.permissions.filter(pk=extra.pk).exists()
