"""Demo data: companies in Gunma and elsewhere, a dozen postings of every mode, applications in every state."""

import pytest

from community import demo as community_demo
from community.models import Role, User
from internships import demo
from internships.models import Application, ApplicationEvent, HostCompany, Posting, Programme
from internships.models import Testimonial as InternTestimonial  # not a test class


@pytest.mark.django_db
def test_demo_data_covers_every_state_and_is_idempotent():
    context = community_demo.seed(password="demo-password-123")
    demo.seed(context)
    counts = (Posting.objects.count(), Application.objects.count(), ApplicationEvent.objects.count())
    demo.seed(context)
    assert (Posting.objects.count(), Application.objects.count(), ApplicationEvent.objects.count()) == counts
    assert counts[0] >= 12
    assert set(Application.objects.values_list("status", flat=True)) == set(Application.Status.values)
    assert set(Posting.objects.values_list("mode", flat=True)) == set(Posting.Mode.values)
    assert HostCompany.objects.approved().filter(organization__prefecture="10").count() >= 2
    assert HostCompany.objects.approved().exclude(organization__prefecture="10").exists()
    assert all(p.title_en and p.title_ja and p.description_ja for p in Posting.objects.all())
    demo_contact = context["users"]["company_contact"]
    assert Application.objects.for_company_contact(demo_contact).exists()
    registered = HostCompany.objects.get(organization__slug="haruna-craft-brewery")
    assert registered.status == HostCompany.Status.PENDING and registered.registered_by is not None
    assert Programme.objects.get(slug="gunma-glocal-leadership").postings.exists()
    assert InternTestimonial.objects.filter(consent=True).count() == 1
    assert User.objects.get(email="consortium@demo.jige.example").has_role(Role.CONSORTIUM)
