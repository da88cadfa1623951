"""Hot pages and lists run a fixed number of queries, however many members,
circles or communities there are (DESIGN: pin query counts on hot pages)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cocreate.communities.models import Community, JoinPolicy, Role
from tests.conftest import client_for
from tests.factories import CommunityFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


def grow(community: Community, n: int) -> None:
    """Add n members of mixed roles and n circles (with a member each)."""
    roles = [Role.MEMBER, Role.MODERATOR, Role.EMPLOYEE, Role.PARTNER]
    for i in range(n):
        person = UserFactory()
        add_member(community, person, roles[i % len(roles)])
        circle = CommunityFactory(parent=community, join_policy=JoinPolicy.OPEN)
        add_member(circle, person)
        CommunityFactory()  # another public community for the lists


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = [
    ("home", "/"),
    ("directory", "/communities/"),
    ("community", "/c/{slug}/"),
    ("members", "/c/{slug}/members/"),
    ("charter", "/c/{slug}/charter/"),
    ("api list", "/api/v1/communities"),
    ("api members", "/api/v1/communities/{slug}/members"),
    ("api circles", "/api/v1/communities/{slug}/circles"),
]

# Pinned: a change that adds queries must update these numbers on purpose.
# (Signed-in pages add the session and user lookups, and the API the token lookup;
# the community page lists its challenges.)
# Signed-in pages count the unread notifications for the header (one query); the
# community page also asks whether the member follows it.
EXPECTED = {
    ("home", "anonymous"): 1,
    ("directory", "anonymous"): 2,
    ("community", "anonymous"): 7,
    ("members", "anonymous"): 4,
    ("charter", "anonymous"): 2,
    ("api list", "anonymous"): 2,
    ("api members", "anonymous"): 3,
    ("api circles", "anonymous"): 2,
    ("home", "member"): 6,
    ("directory", "member"): 6,
    ("community", "member"): 13,
    ("members", "member"): 7,
    ("charter", "member"): 6,
    ("api list", "member"): 4,
    ("api members", "member"): 5,
    ("api circles", "member"): 4,
}


@pytest.mark.parametrize(("name", "url"), PAGES)
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_query_count_does_not_grow_with_the_community(community, member, name, url, who):
    client = client_for(member if who == "member" else None)
    url = url.format(slug=community.slug)
    grow(community, 2)
    small = count(client, url)
    grow(community, 10)
    large = count(client, url)
    assert small == large, f"{name} as {who}: {small} queries with 2, {large} with 12"
    assert large == EXPECTED[(name, who)], f"{name} as {who}: {large} queries"
