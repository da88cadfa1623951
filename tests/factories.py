from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.communities.models import CharterVersion, Community, Membership, Role

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(PASSWORD)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    description = "A place to make things together."

    @factory.post_generation
    def charter(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            CharterVersion.objects.create(community=self, number=1, mission="Make good things.")


def add_member(
    community: Community, user: User, role: str = Role.MEMBER, *, days_ago: float = 30
) -> Membership:
    """Test shortcut for an existing membership (an established member: joined a
    month ago, past the new-member limits); keeps the stored count exact."""
    from datetime import timedelta

    from django.db.models import F
    from django.utils import timezone

    membership = Membership.objects.create(
        community=community,
        user=user,
        role=role,
        joined_at=timezone.now() - timedelta(days=days_ago),
    )
    Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
    community.refresh_from_db()
    return membership
