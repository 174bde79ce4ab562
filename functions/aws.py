"""boto3 clients shared by the handlers, created once per execution environment.

The endpoint comes from boto3's own configuration (for the local stack, AWS_ENDPOINT_URL
points at the embedded server), so no handler knows where it runs.
"""

from functools import cache

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})


@cache
def client(service: str):
    return boto3.client(service, config=_CONFIG)


@cache
def table(name: str):
    return boto3.resource("dynamodb", config=_CONFIG).Table(name)
