"""The HTTP API: applicant and public routes, and IAM-authorised operator routes."""

import json

import jsii
from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.topology import HttpRoute

# Access log fields: request ids, route and outcome. No source IP or path values beyond the ids in routes.
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTime",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
    "caller": "$context.identity.caller",
}


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogSettings:
    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(log_group)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigateway.AccessLogFormat:
        return apigateway.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FORMAT))


class Api(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, form_origin: str, log_retention: logs.RetentionDays) -> None:
        super().__init__(scope, construct_id)
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            description="GOSO applicant, verification and operator API",
            create_default_stage=False,
            cors_preflight=apigwv2.CorsPreflightOptions(
                allow_origins=[form_origin],
                allow_methods=[apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST],
                allow_headers=["Authorization", "Content-Type"],
            ),
        )
        self.access_logs = logs.LogGroup(
            self, "AccessLogs", retention=log_retention, removal_policy=RemovalPolicy.RETAIN
        )
        self.stage = self.http_api.add_stage(
            "DefaultStage",
            stage_name="$default",
            auto_deploy=True,
            access_log_settings=_AccessLogSettings(self.access_logs),
            throttle=apigwv2.ThrottleSettings(rate_limit=50, burst_limit=100),
        )
        # Operators' IAM users or roles join this group to call the operator routes.
        self.operators = iam.Group(self, "Operators")
        self.public_routes: list[apigwv2.HttpRoute] = []
        self.operator_routes: list[apigwv2.HttpRoute] = []

    @property
    def endpoint(self) -> str:
        """The API's base URL without a trailing slash."""
        return self.http_api.api_endpoint

    def add_function_routes(self, name: str, function: lambda_.IFunction, routes: tuple[HttpRoute, ...]) -> None:
        integration = integrations.HttpLambdaIntegration(f"{name}-integration", function)
        for route in routes:
            authorised = route.iam_authorised
            added = self.http_api.add_routes(
                path=route.path,
                methods=[apigwv2.HttpMethod(route.method)],
                integration=integration,
                authorizer=authorizers.HttpIamAuthorizer() if authorised else None,
            )
            if authorised:
                for http_route in added:
                    http_route.grant_invoke(self.operators)
                self.operator_routes.extend(added)
            else:
                self.public_routes.extend(added)
