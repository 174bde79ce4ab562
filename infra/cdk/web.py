"""Hosting of the applicant form: a private bucket behind CloudFront with origin access control."""

from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra.cdk.storage import private_bucket

# The form reads this file to find the API; locally it is served beside the API on one origin.
CONFIG_FILE = "config.json"


class Web(Construct):
    """The bucket and distribution. `deploy` uploads the folder once the API URL is known."""

    def __init__(self, scope: Construct, construct_id: str, *, access_logs: s3.IBucket) -> None:
        super().__init__(scope, construct_id)
        self.bucket = private_bucket(self, "Site", access_logs)
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="GOSO applicant form",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                response_headers_policy=cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
            ),
            price_class=cloudfront.PriceClass.PRICE_CLASS_200,
            enable_logging=True,
            log_bucket=access_logs,
            log_file_prefix="cloudfront/",
        )

    @property
    def origin(self) -> str:
        """The form's origin, for the API's CORS rule and the handlers' FORM_ORIGIN setting."""
        return f"https://{self.distribution.distribution_domain_name}"

    def deploy(self, folder: Path, api_url: str) -> s3deploy.BucketDeployment:
        if not (folder / "index.html").is_file():
            raise FileNotFoundError(f"the form folder {folder} has no index.html to deploy")
        return s3deploy.BucketDeployment(
            self,
            "Deployment",
            sources=[
                s3deploy.Source.asset(str(folder)),
                s3deploy.Source.json_data(CONFIG_FILE, {"api_url": api_url}),
            ],
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            memory_limit=256,
            prune=True,
            cache_control=[s3deploy.CacheControl.max_age(Duration.minutes(5))],
        )
