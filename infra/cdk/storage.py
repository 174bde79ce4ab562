"""Buckets, the application table and the intake queue."""

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sqs as sqs
from constructs import Construct

# Object keys the server hands out: documents and manifests under incoming/, permits under accounts/.
UPLOAD_PREFIX = "incoming/"
MANIFEST_SUFFIX = "/application.json"
PERMIT_PREFIX = "accounts/"
INDEXES = ("GSI1", "GSI2")
# A message that fails this many receives moves to the dead-letter queue.
MAX_RECEIVE_COUNT = 3


def private_bucket(scope: Construct, construct_id: str, access_logs: s3.IBucket | None, **extra) -> s3.Bucket:
    """Create a bucket with public access blocked, TLS enforced and S3-managed encryption, kept on stack deletion."""
    return s3.Bucket(
        scope,
        construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        server_access_logs_bucket=access_logs,
        server_access_logs_prefix=f"{construct_id.lower()}/" if access_logs else None,
        removal_policy=RemovalPolicy.RETAIN,
        **extra,
    )


class Storage(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, queue_visibility: Duration) -> None:
        super().__init__(scope, construct_id)
        # Server access logs of the other buckets (and CloudFront's standard logs, which need ACLs).
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(365))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        # Versioned: keys never repeat, and versioning keeps even an accidental overwrite.
        self.upload_bucket = private_bucket(self, "Uploads", self.access_logs, versioned=True)
        self.permit_bucket = private_bucket(self, "Permits", self.access_logs, versioned=True)

        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name="PK", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="SK", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in INDEXES:
            self.table.add_global_secondary_index(
                index_name=index,
                partition_key=dynamodb.Attribute(name=f"{index}PK", type=dynamodb.AttributeType.STRING),
                sort_key=dynamodb.Attribute(name=f"{index}SK", type=dynamodb.AttributeType.STRING),
                projection_type=dynamodb.ProjectionType.ALL,
            )

        self.intake_dlq = sqs.Queue(
            self,
            "IntakeDeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self.intake_queue = sqs.Queue(
            self,
            "Intake",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=queue_visibility,
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.intake_dlq, max_receive_count=MAX_RECEIVE_COUNT),
        )
        # Only the manifest starts intake; the documents it lists are checked when it arrives.
        self.upload_bucket.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3n.SqsDestination(self.intake_queue),
            s3.NotificationKeyFilter(prefix=UPLOAD_PREFIX, suffix=MANIFEST_SUFFIX),
        )
