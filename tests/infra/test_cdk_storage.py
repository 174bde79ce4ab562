"""Table, buckets, queues and the signing key."""

from aws_cdk.assertions import Match


def _id(synthesized, *path: str) -> str:
    construct = synthesized.stack
    for part in path:
        construct = construct.node.find_child(part)
    return synthesized.logical_id(construct)


def test_table_keys_indexes_and_recovery(synthesized):
    tables = synthesized.resources("AWS::DynamoDB::Table")
    assert len(tables) == 1
    properties = next(iter(tables.values()))["Properties"]
    assert properties["KeySchema"] == [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    indexes = {index["IndexName"]: index for index in properties["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"GSI1", "GSI2"}
    for name, index in indexes.items():
        assert index["KeySchema"] == [
            {"AttributeName": f"{name}PK", "KeyType": "HASH"},
            {"AttributeName": f"{name}SK", "KeyType": "RANGE"},
        ]
        assert index["Projection"] == {"ProjectionType": "ALL"}


def test_intake_queue_dead_letters_and_encryption(synthesized):
    queues = synthesized.resources("AWS::SQS::Queue")
    intake = queues[_id(synthesized, "Storage", "Intake")]["Properties"]
    dlq_id = _id(synthesized, "Storage", "IntakeDeadLetters")
    assert intake["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]}, "maxReceiveCount": 3}
    # Six times the intake function's timeout.
    assert intake["VisibilityTimeout"] == 720
    for properties in (intake, queues[dlq_id]["Properties"]):
        assert properties["SqsManagedSseEnabled"] is True


def test_queues_refuse_requests_without_tls(synthesized):
    policies = synthesized.resources("AWS::SQS::QueuePolicy").values()
    denied = set()
    for policy in policies:
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Deny" and statement.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}:
                denied.update(ref["Ref"] for ref in policy["Properties"]["Queues"])
    assert denied == {_id(synthesized, "Storage", "Intake"), _id(synthesized, "Storage", "IntakeDeadLetters")}


def test_only_manifests_under_incoming_notify_the_intake_queue(synthesized):
    notifications = synthesized.resources("Custom::S3BucketNotifications")
    assert len(notifications) == 1
    properties = next(iter(notifications.values()))["Properties"]
    assert properties["BucketName"] == {"Ref": _id(synthesized, "Storage", "Uploads")}
    configuration = properties["NotificationConfiguration"]
    assert set(configuration) == {"QueueConfigurations"}
    [queue] = configuration["QueueConfigurations"]
    assert queue["QueueArn"] == {"Fn::GetAtt": [_id(synthesized, "Storage", "Intake"), "Arn"]}
    assert queue["Events"] == ["s3:ObjectCreated:*"]
    rules = {rule["Name"]: rule["Value"] for rule in queue["Filter"]["Key"]["FilterRules"]}
    assert rules == {"prefix": "incoming/", "suffix": "/application.json"}


def test_buckets_block_public_access_encrypt_and_enforce_tls(synthesized):
    buckets = synthesized.resources("AWS::S3::Bucket")
    assert len(buckets) == 4  # uploads, permits, site, access logs
    for properties in (b["Properties"] for b in buckets.values()):
        assert properties["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
            "SSEAlgorithm": "AES256"
        }
    tls_enforced = set()
    for policy in synthesized.resources("AWS::S3::BucketPolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Deny" and statement.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}:
                tls_enforced.add(policy["Properties"]["Bucket"]["Ref"])
    assert tls_enforced == set(buckets)
    uploads = buckets[_id(synthesized, "Storage", "Uploads")]
    assert uploads["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert uploads["DeletionPolicy"] == "Retain"
    assert "LoggingConfiguration" in uploads["Properties"]


def test_signing_key_is_an_asymmetric_p256_signing_key(synthesized):
    synthesized.template.has_resource(
        "AWS::KMS::Key",
        {
            "Properties": Match.object_like({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}),
            "DeletionPolicy": "Retain",
        },
    )
    synthesized.template.has_resource_properties("AWS::KMS::Alias", {"AliasName": "alias/goso-permit-signing"})
