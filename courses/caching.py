"""Version names of the catalogue's cached pages, and the rows that bump them (community.pagecache)."""

from community.caching import member
from community.pagecache import track

# The catalogue: any module, programme, session or enrolment (seats left).
CATALOGUE = "courses:catalogue"


def module(pk) -> str:
    """One module's page: the module, its sessions, outcomes, owners and enrolments."""
    return f"courses:module:{pk}"


def register():
    from .models import Enrolment, LearningOutcome, Module, ModuleApproval, ModuleOwner, Programme, Session

    track(Module, lambda row: [CATALOGUE, module(row.pk)], m2m=[Module.partner_universities])
    for model in (Session, LearningOutcome, ModuleOwner, ModuleApproval):
        track(model, lambda row: [CATALOGUE, module(row.module_id)])
    track(Enrolment, lambda row: [CATALOGUE, module(row.module_id), member(row.learner_id)])
    track(Programme, lambda row: [CATALOGUE], m2m=[Programme.modules])
