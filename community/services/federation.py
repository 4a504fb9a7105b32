"""Members who sign in with their home university's account: home organization and roles from
what the university's identity provider says about them."""

from django.db import transaction

from ..models import IdentityProvider, Organization, Role, User
from .core import assign_role
from .groups import audit

FEDERATED_SIGN_UP = "community.member.federated_sign_up"
FEDERATED_CONNECT = "community.member.federated_connect"


def roles_for_affiliations(affiliations: list[str]) -> set[str]:
    """eduPersonAffiliation (or its scoped form, student@kansai-u.ac.jp) to portal roles: student
    to student, faculty and staff to faculty. The portal's own staff role is never given by an IdP."""
    roles = set()
    for affiliation in affiliations:
        value = affiliation.partition("@")[0].strip().lower()
        if value == "student":
            roles.add(Role.STUDENT)
        elif value in ("faculty", "staff"):
            roles.add(Role.FACULTY)
    return roles


@transaction.atomic
def set_up_federated_member(*, user: User, identity_provider: IdentityProvider, attributes, connected=False) -> None:
    """Home organization and roles of a member who signed in through `identity_provider`: on a
    first sign-in, and when an account that is still a guest's is connected. Members who hold a
    role already (staff gave it, or an earlier sign-in) keep theirs. Writes an audit entry; safe
    to repeat."""
    from ..federation import home_organization

    if user.role_names - {Role.GUEST}:
        return
    organization = home_organization(identity_provider, attributes)
    if organization is not None and user.organization_id is None:
        user.organization = organization
        user.save(update_fields=["organization"])
    # Roles of a university only: an affiliation at a company's IdP makes nobody faculty.
    roles = set()
    if organization is not None and organization.kind == Organization.Kind.UNIVERSITY:
        roles = roles_for_affiliations(attributes.affiliations)
    for role in sorted(roles) or [Role.GUEST]:
        assign_role(user=user, role=role)
    if roles:
        user.groups.remove(*user.groups.filter(name=Role.GUEST))
        user.__dict__.pop("role_names", None)
    audit(
        FEDERATED_CONNECT if connected else FEDERATED_SIGN_UP,
        actor=user,
        target=identity_provider.slug,
        organization=organization.pk if organization else None,
        roles=sorted(roles),
    )
