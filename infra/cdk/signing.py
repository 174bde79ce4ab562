"""The permit signing key: KMS asymmetric ECC_NIST_P256, used with ECDSA_SHA_256."""

from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from constructs import Construct

ALIAS = "alias/goso-permit-signing"


class Signing(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        # Issued permits stay verifiable only while this key exists, so it outlives the stack.
        self.key = kms.Key(
            self,
            "PermitKey",
            description="GOSO permit signing key",
            key_spec=kms.KeySpec.ECC_NIST_P256,
            key_usage=kms.KeyUsage.SIGN_VERIFY,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.key.add_alias(ALIAS)
