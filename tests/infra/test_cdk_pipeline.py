"""Functions, grants, triggers and the state machine, as the topology declares them."""

import json

from aws_cdk.assertions import Match

from infra import topology
from infra.topology import FUNCTIONS, Access, Resource, Trigger

SETTING_REFERENCES = {
    Resource.TABLE: ("Ref", "Storage/Table"),
    Resource.EVENT_BUS: ("Ref", "Events/Bus"),
    Resource.UPLOAD_BUCKET: ("Ref", "Storage/Uploads"),
    Resource.PERMIT_BUCKET: ("Ref", "Storage/Permits"),
    Resource.STATE_MACHINE: ("Ref", "Pipeline/Application"),
    Resource.SIGNING_KEY: ("Fn::GetAtt", "Signing/PermitKey"),
}


def _statements(synthesized, role_id: str) -> list[dict]:
    statements = []
    for policy in synthesized.resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"].get("Roles", []):
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


def _actions(synthesized, role_id: str) -> set[str]:
    actions: set[str] = set()
    for statement in _statements(synthesized, role_id):
        value = statement["Action"]
        actions.update([value] if isinstance(value, str) else value)
    return actions


def _roles_allowed(synthesized, action: str) -> set[str]:
    roles = set()
    for policy in synthesized.resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            value = statement["Action"]
            if action in ([value] if isinstance(value, str) else value):
                roles.update(ref["Ref"] for ref in policy["Properties"].get("Roles", []))
    return roles


def _id_of_path(synthesized, path: str) -> str:
    construct = synthesized.stack.node.find_child(path.split("/")[0])
    for part in path.split("/")[1:]:
        construct = construct.node.find_child(part)
    return synthesized.logical_id(construct)


def test_state_machine_definition_matches_asl_file(synthesized):
    machines = synthesized.resources("AWS::StepFunctions::StateMachine")
    assert len(machines) == 1
    properties = next(iter(machines.values()))["Properties"]
    assert properties["DefinitionString"] == topology.STATE_MACHINE_DEFINITION.read_text(encoding="utf-8")
    assert properties["StateMachineType"] == "STANDARD"
    assert properties["TracingConfiguration"] == {"Enabled": True}
    assert properties["LoggingConfiguration"]["Level"] in {"ALL", "ERROR"}

    expected = {
        spec.asl_placeholder: {"Fn::GetAtt": [synthesized.function_id(spec.name), "Arn"]}
        for spec in FUNCTIONS
        if spec.asl_placeholder
    }
    assert properties["DefinitionSubstitutions"] == expected
    assert expected["IssueFunctionArn"]["Fn::GetAtt"][0] == synthesized.function_id("issue")
    # Every placeholder in the file has a substitution, and nothing else is substituted.
    definition = json.dumps(json.loads(properties["DefinitionString"]))
    used = {name for name in expected if "${" + name + "}" in definition}
    assert used == set(expected)
    assert definition.count("${") == sum(definition.count("${" + name + "}") for name in expected)


def test_state_machine_invokes_only_its_functions(synthesized):
    machine_role = synthesized.logical_id(synthesized.stack.pipeline.state_machine.role)
    invoked = set()
    for statement in _statements(synthesized, machine_role):
        if statement["Action"] == "lambda:InvokeFunction":
            for resource in statement["Resource"]:
                target = resource["Fn::GetAtt"][0] if "Fn::GetAtt" in resource else resource["Fn::Join"][1][0]["Fn::GetAtt"][0]
                invoked.add(target)
    assert invoked == {synthesized.function_id(s.name) for s in FUNCTIONS if s.asl_placeholder}


def test_function_runtime_sizes_tracing_logs(synthesized):
    functions = synthesized.resources("AWS::Lambda::Function")
    log_groups = synthesized.resources("AWS::Logs::LogGroup")
    for spec in FUNCTIONS:
        properties = functions[synthesized.function_id(spec.name)]["Properties"]
        assert properties["Handler"] == spec.handler
        assert properties["Runtime"] == "python3.13"
        assert properties["Architectures"] == ["arm64"]
        assert properties["MemorySize"] == spec.memory_mb
        assert properties["Timeout"] == spec.timeout_seconds
        assert properties["TracingConfig"] == {"Mode": "Active"}
        log_group = properties["LoggingConfig"]["LogGroup"]["Ref"]
        assert log_groups[log_group]["Properties"]["RetentionInDays"] == 90


def test_function_environment_from_topology(synthesized):
    functions = synthesized.resources("AWS::Lambda::Function")
    for spec in FUNCTIONS:
        variables = functions[synthesized.function_id(spec.name)]["Properties"]["Environment"]["Variables"]
        assert set(spec.environment) <= set(variables)
        assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "GOSO"
        for setting, resource in spec.environment.items():
            if resource in SETTING_REFERENCES:
                kind, path = SETTING_REFERENCES[resource]
                value = variables[setting]
                assert kind in value, (spec.name, setting, value)
                target = value[kind] if kind == "Ref" else value[kind][0]
                assert target == _id_of_path(synthesized, path), (spec.name, setting)
    issue = functions[synthesized.function_id("issue")]["Properties"]["Environment"]["Variables"]
    api_id = synthesized.logical_id(synthesized.stack.api.http_api)
    assert api_id in json.dumps(issue["VERIFY_BASE_URL"])
    api = functions[synthesized.function_id("api")]["Properties"]["Environment"]["Variables"]
    distribution_id = synthesized.logical_id(synthesized.stack.web.distribution)
    assert api["FORM_ORIGIN"] == {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]}


def test_kms_sign_only_for_issue(synthesized):
    assert _roles_allowed(synthesized, "kms:Sign") == {synthesized.role_id("issue")}
    assert _roles_allowed(synthesized, "kms:GetPublicKey") == {synthesized.role_id("issue"), synthesized.role_id("api")}
    key_id = _id_of_path(synthesized, "Signing/PermitKey")
    for statement in _statements(synthesized, synthesized.role_id("issue")):
        if "kms:Sign" in statement["Action"]:
            assert statement["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_state_machine_grants_follow_topology(synthesized):
    assert _roles_allowed(synthesized, "states:StartExecution") == {synthesized.role_id("intake")}
    task_response = {synthesized.role_id("api")}
    assert _roles_allowed(synthesized, "states:SendTaskSuccess") == task_response
    assert _roles_allowed(synthesized, "states:SendTaskFailure") == task_response


def test_grants_match_declared_access(synthesized):
    for spec in FUNCTIONS:
        actions = _actions(synthesized, synthesized.role_id(spec.name))
        for resource, access in spec.uses.items():
            if resource is Resource.TABLE:
                assert "dynamodb:Query" in actions
                assert ("dynamodb:PutItem" in actions) is (access is not Access.READ)
            if resource is Resource.EVENT_BUS:
                assert "events:PutEvents" in actions
        if Resource.TABLE not in spec.uses:
            assert not any(a.startswith("dynamodb:") for a in actions)
    # Bucket grants name the one key prefix each function uses.
    issue = _statements(synthesized, synthesized.role_id("issue"))
    puts = [s for s in issue if "s3:PutObject" in s["Action"]]
    assert len(puts) == 1
    assert json.dumps(puts[0]["Resource"]).endswith('"/accounts/*"]]}')
    assert "s3:PutObject" not in _actions(synthesized, synthesized.role_id("verify"))


def test_policy_wildcards_only_where_unavoidable(synthesized):
    allowed = {"xray:", "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
               "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
               "logs:DescribeResourcePolicies", "logs:DescribeLogGroups", "cloudfront:"}
    for logical_id, policy in synthesized.resources("AWS::IAM::Policy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
            assert "*" not in actions, logical_id
            if statement["Resource"] == "*":
                assert all(any(a.startswith(p) for p in allowed) for a in actions), (logical_id, actions)


def test_queue_trigger_reports_item_failures(synthesized):
    queue_specs = [s for s in FUNCTIONS if s.trigger is Trigger.QUEUE]
    assert [s.name for s in queue_specs] == ["intake"]
    synthesized.template.resource_count_is("AWS::Lambda::EventSourceMapping", 1)
    synthesized.template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": synthesized.function_id("intake")},
            "EventSourceArn": {"Fn::GetAtt": [_id_of_path(synthesized, "Storage/Intake"), "Arn"]},
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    )


def test_event_rule_targets_monitor(synthesized):
    synthesized.template.has_resource_properties("AWS::Events::EventBus", {"Name": "goso-events"})
    synthesized.template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventBusName": {"Ref": _id_of_path(synthesized, "Events/Bus")},
            "EventPattern": {"source": ["goso.pipeline"]},
            "Targets": [Match.object_like({"Arn": {"Fn::GetAtt": [synthesized.function_id("monitor"), "Arn"]}})],
        },
    )
