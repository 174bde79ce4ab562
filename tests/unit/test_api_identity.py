"""Operator identity from the IAM caller of the operator routes."""

import pytest

from functions.api import iam_operator


@pytest.mark.parametrize(
    ("user_arn", "operator"),
    [
        ("arn:aws:sts::123456789012:assumed-role/goso-operator/op-dag-1", "op-dag-1"),
        ("arn:aws:iam::123456789012:user/op-kes-1", "op-kes-1"),
        ("arn:aws:iam::123456789012:user/teams/op-par-1", "op-par-1"),
        ("arn:aws:iam::123456789012:root", None),
        ("", None),
    ],
)
def test_operator_from_user_arn(user_arn, operator):
    assert iam_operator(user_arn) == operator
