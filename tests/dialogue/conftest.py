from tests.challenges.conftest import (  # noqa: F401
    author,
    challenge,
    clock,
    idea,
    make_members,
)
