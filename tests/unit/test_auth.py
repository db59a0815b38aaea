from __future__ import annotations

import pytest

from aref.auth import Access, bearer_access

TOKEN = "s3cret-token"


@pytest.mark.parametrize(
    ("values", "access"),
    [
        ([], Access.MISSING),
        ([b"Basic s3cret-token"], Access.MISSING),
        ([b"s3cret-token"], Access.MISSING),
        ([b"Bearer s3cret-token", b"Bearer s3cret-token"], Access.MISSING),
        ([b"Bearer nope"], Access.WRONG),
        ([b"Bearer "], Access.WRONG),
        ([b"Bearer s3cret-token"], Access.GRANTED),
        ([b"BEARER s3cret-token "], Access.GRANTED),
    ],
)
def test_bearer_access(values: list[bytes], access: Access) -> None:
    assert bearer_access(values, TOKEN) is access


def test_each_verdict_has_its_status_and_no_message_names_the_token() -> None:
    assert [a.status for a in Access] == [200, 401, 403]
    assert all(TOKEN not in a.message for a in Access)
