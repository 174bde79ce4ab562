"""HTTP API routes and authorisation, CORS for the form's origin, and the form's hosting."""

from infra.topology import FUNCTIONS, Trigger

PUBLIC_ROUTES = {
    "POST /applications",
    "POST /applications/{application_id}/corrections",
    "GET /applications/{application_id}",
    "GET /applications/{application_id}/permit",
    "GET /verify",
    "GET /issuer-public-key",
    "GET /schema/manifest",
    "GET /reference",
}
OPERATOR_ROUTES = {
    "GET /operator/tasks",
    "POST /operator/tasks/{task_id}/decision",
    "GET /operator/applications/{application_id}",
    "GET /operator/accounts/{nib}/applications",
}


def _routes(synthesized) -> dict[str, dict]:
    return {r["Properties"]["RouteKey"]: r["Properties"] for r in synthesized.resources("AWS::ApiGatewayV2::Route").values()}


def test_routes_and_their_authorisation(synthesized):
    routes = _routes(synthesized)
    assert set(routes) == PUBLIC_ROUTES | OPERATOR_ROUTES
    for key in PUBLIC_ROUTES:
        assert routes[key].get("AuthorizationType", "NONE") == "NONE", key
    for key in OPERATOR_ROUTES:
        assert routes[key]["AuthorizationType"] == "AWS_IAM", key


def test_every_route_reaches_the_api_function(synthesized):
    [api_spec] = [s for s in FUNCTIONS if s.trigger is Trigger.HTTP_API]
    integrations = synthesized.resources("AWS::ApiGatewayV2::Integration")
    assert len(integrations) == 1
    [(integration_id, integration)] = integrations.items()
    assert integration["Properties"]["IntegrationUri"] == {"Fn::GetAtt": [synthesized.function_id(api_spec.name), "Arn"]}
    assert integration["Properties"]["PayloadFormatVersion"] == "2.0"
    for key, route in _routes(synthesized).items():
        assert route["Target"] == {"Fn::Join": ["", ["integrations/", {"Ref": integration_id}]]}, key


def test_cors_allows_only_the_form_origin(synthesized):
    [api] = synthesized.resources("AWS::ApiGatewayV2::Api").values()
    distribution_id = synthesized.logical_id(synthesized.stack.web.distribution)
    cors = api["Properties"]["CorsConfiguration"]
    assert cors["AllowOrigins"] == [{"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]}]
    assert set(cors["AllowMethods"]) == {"GET", "POST"}


def test_stage_writes_access_logs(synthesized):
    [stage] = synthesized.resources("AWS::ApiGatewayV2::Stage").values()
    assert stage["Properties"]["StageName"] == "$default"
    assert stage["Properties"]["AutoDeploy"] is True
    settings = stage["Properties"]["AccessLogSettings"]
    assert settings["DestinationArn"] == {"Fn::GetAtt": [synthesized.logical_id(synthesized.stack.api.access_logs), "Arn"]}
    assert "$context.requestId" in settings["Format"]
    assert "sourceIp" not in settings["Format"]


def test_form_hosting_uses_origin_access_control(synthesized):
    [distribution] = synthesized.resources("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    [origin] = config["Origins"]
    assert "OriginAccessControlId" in origin
    assert len(synthesized.resources("AWS::CloudFront::OriginAccessControl")) == 1
    [deployment] = synthesized.resources("Custom::CDKBucketDeployment").values()
    site_id = synthesized.logical_id(synthesized.stack.web.bucket)
    assert deployment["Properties"]["DestinationBucketName"] == {"Ref": site_id}
    # The form's folder and the generated config.json holding the API URL.
    assert len(deployment["Properties"]["SourceObjectKeys"]) == 2


def test_upload_bucket_allows_posts_from_form_origin(synthesized):
    distribution_id = synthesized.logical_id(synthesized.stack.web.distribution)
    bucket_id = synthesized.logical_id(synthesized.stack.storage.upload_bucket)
    bucket = synthesized.resources("AWS::S3::Bucket")[bucket_id]
    [rule] = bucket["Properties"]["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == [{"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]}]
