"""Version names of the community's cached pages, and the rows that bump them (community.pagecache).

Other apps use `PORTAL` and `member()` too: organizations and campuses appear in their filters,
and a member's own pages (wallet, applications, enrolments) follow `member(pk)`.
"""

import functools

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from .pagecache import bump, member, track

# Organizations, campuses, interests and group categories: in filters and cards on many pages.
PORTAL = "portal"
# The group finder: any group, membership (member counts) or category.
GROUPS = "community:groups"
# Members' names and pictures beside what they wrote, in lists shared between viewers (a
# group's posts): bumped when a member's name or picture changes, not at every save.
BYLINES = "community:bylines"


def group(pk) -> str:
    """One group's page: the group, its posts, comments, reactions, members and requests."""
    return f"community:group:{pk}"


def conversation(pk) -> str:
    """One conversation's page and poll: its messages, participants and read receipts."""
    return f"community:conversation:{pk}"


def inbox(pk) -> str:
    """One member's conversation list."""
    return f"community:inbox:{pk}"


@functools.lru_cache(maxsize=4096)
def _group_of_post(post_id) -> tuple[str, ...]:
    """A post never moves to another group, so the answer can be kept: deleting a post with many
    comments then asks once, not once per comment. A comment deleted along with its post may find
    no post: the post's deletion bumped the group."""
    from .models import Post

    return tuple(group(pk) for pk in Post.objects.filter(pk=post_id).values_list("group_id", flat=True))


def _forget_roles(sender, instance, action, reverse, pk_set, **kwargs):
    """A member's roles changed, from either side (`user.groups` or `group.user_set`): the cached
    role names go, and on the roles' side the member's pages too (`track` sees only the user's)."""
    from django.db import transaction

    from .models.people import role_cache_key

    if reverse and action == "pre_clear":
        # post_clear names no one: remember who is about to lose the role.
        instance._pagecache_role_holders = list(instance.user_set.values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        user_ids = [instance.pk]
    elif action == "post_clear":
        user_ids = instance.__dict__.pop("_pagecache_role_holders", [])
    else:
        user_ids = pk_set or ()
    keys = [role_cache_key(pk) for pk in user_ids]
    # Now, for the rest of this transaction, and again after commit: a request that read the
    # old roles meanwhile must not keep them cached.
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
    if reverse:
        bump(*[member(pk) for pk in user_ids])


def _byline_changed(sender, instance, created, raw=False, **kwargs):
    if not (created or raw) and instance.byline_changed():
        bump(BYLINES)


def _forget_user(sender, instance, **kwargs):
    from .backends import forget_user

    forget_user(instance.pk)


def register():
    from .models import (
        Block,
        Campus,
        Comment,
        CommunityGroup,
        GroupCategory,
        Interest,
        JoinRequest,
        Membership,
        Organization,
        Participant,
        Post,
        Profile,
        Reaction,
        User,
    )

    for model in (Organization, Campus, Interest, GroupCategory):
        track(model, lambda row: [PORTAL, GROUPS])
    track(CommunityGroup, lambda row: [GROUPS, group(row.pk)])
    track(Membership, lambda row: [GROUPS, group(row.group_id), member(row.user_id)])
    track(JoinRequest, lambda row: [group(row.group_id), member(row.user_id)])
    track(Post, lambda row: [group(row.group_id)])
    # Where ids can come back (SQLite reuses the highest one), a deleted post's answer must go.
    post_delete.connect(lambda **kwargs: _group_of_post.cache_clear(), sender=Post, weak=False)
    track(Comment, lambda row: _group_of_post(row.post_id))
    track(Reaction, lambda row: _group_of_post(row.post_id))
    track(Profile, lambda row: [member(row.user_id)], m2m=[Profile.interests])
    track(Block, lambda row: [member(row.blocker_id), member(row.blocked_id), inbox(row.blocker_id)])
    track(Participant, lambda row: [inbox(row.user_id)])
    # Roles are groups: a change shows on every page of the member.
    track(User, lambda row: [member(row.pk)], m2m=[User.groups])
    post_save.connect(_forget_user, sender=User, dispatch_uid="community-forget-user")
    post_save.connect(_byline_changed, sender=User, dispatch_uid="community-byline-changed")
    post_delete.connect(_forget_user, sender=User, dispatch_uid="community-forget-user-deleted")
    m2m_changed.connect(_forget_roles, sender=User.groups.through, dispatch_uid="community-forget-roles")
