"""The `goso` command: run the local stack, the demo, submissions, reviews and verification."""

import argparse
import json
import logging
import signal
import sys
import threading
import time
from pathlib import Path

from local import discovery

DEFAULT_OUT = Path("out")


def _quiet_libraries() -> None:
    for name in ("werkzeug", "moto", "botocore", "urllib3", "pypdf"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str))


# --- up ---------------------------------------------------------------------------------


def cmd_up(args) -> int:
    from local.stack import LocalStack, StackOptions

    options = StackOptions(moto_port=args.aws_port, api_port=args.port)
    if args.deadlines:
        options.deadlines_file = args.deadlines
    stack = LocalStack(options).start()
    discovery.write_state(stack.describe())
    print("GOSO local stack is up (in memory: everything is lost when it stops).")
    print(f"  form and API:  {stack.api_url}/")
    print(f"  AWS endpoint:  {stack.endpoint}  (region {stack.describe()['region']})")
    print(f"  state file:    {discovery.STATE_FILE}")
    print("Press Ctrl-C to stop.", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        discovery.STATE_FILE.unlink(missing_ok=True)
        stack.stop()
    return 0


# --- demo -------------------------------------------------------------------------------


def cmd_demo(args) -> int:
    from local.demo import run_demo, summary

    log = (lambda message: None) if args.json else (lambda message: print(message, flush=True))
    started = time.monotonic()
    with discovery.connect() as target:
        log(f"Running the samples on {target.api_url} ({'embedded stack' if target.embedded else 'running stack'})")
        results = run_demo(target.api_url, args.out, timeout=args.timeout, log=log, only=args.sample or None)
    report = summary(results)
    failed = [r for r in results if not r.as_expected]
    if args.json:
        _print_json(report)
    else:
        print()
        print(f"{'sample':<36} {'status':<11} {'OSS':<4} {'permit':<24} reasons")
        for result in results:
            flag = "" if result.as_expected else "  <- expected " + result.expected["status"]
            print(
                f"{result.sample:<36} {result.status or 'ERROR':<11} {result.oss_status_code or '-':<4} "
                f"{result.permit_number or '-':<24} {','.join(result.reasons) or '-'}{flag}"
            )
        print()
        print("counts: " + ", ".join(f"{status} {count}" for status, count in report["counts"].items()))
        print(f"permits and issuer-public-key.pem are in {args.out}/ ({time.monotonic() - started:.0f} s)")
        if failed:
            print(f"{len(failed)} sample(s) did not end as expected: {', '.join(r.sample for r in failed)}", file=sys.stderr)
    return 1 if failed else 0


# --- submit -----------------------------------------------------------------------------


def cmd_submit(args) -> int:
    from local.client import FINAL_STATUSES, GosoClient, read_folder, submit_round
    from local.demo import DECISION_REASONS, demo_operator

    manifest, files = read_folder(args.folder)
    with discovery.connect() as target:
        client = GosoClient(target.api_url)
        submission = submit_round(client, manifest, files)
        if not args.json:
            print(f"submitted {submission.application_id}; access token: {submission.access_token}")
        decided: set[str] = set()
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            record = client.status(submission)
            if record["status"] in FINAL_STATUSES or record["status"] == "CORRECTION_REQUESTED":
                break
            if record["status"] == "IN_REVIEW" and args.review:
                for task in client.operator_view(submission.application_id)["tasks"]:
                    if task["state"] == "OPEN" and task["task_id"] not in decided:
                        operator = args.operator or demo_operator(task["sector"])
                        client.decide(task["task_id"], args.review, DECISION_REASONS[args.review], operator)
                        decided.add(task["task_id"])
            time.sleep(0.3)
        else:
            print(f"application {submission.application_id} is still {record['status']} after {args.timeout:.0f} s", file=sys.stderr)
        finished = record["status"] in FINAL_STATUSES or record["status"] == "CORRECTION_REQUESTED"
        record = client.operator_view(submission.application_id)["application"]
        record["access_token"] = submission.access_token
    if args.json:
        _print_json(record)
    else:
        _print_record(record)
    return 0 if finished else 1


def _print_record(record: dict) -> None:
    print(f"application  {record['application_id']}")
    print(f"status       {record['status']} (OSS {record.get('oss_status_code') or '-'})")
    for key in ("business_name", "kbli", "kbli_title", "sector", "risk_level", "channel", "officer_id", "permit_number"):
        if record.get(key):
            print(f"{key:<12} {record[key]}")
    for reason in record.get("reasons", []):
        print(f"reason       {reason['code']}: {reason['message']['en']}")


# --- status, review, executions ---------------------------------------------------------


def cmd_status(args) -> int:
    with discovery.connect() as target:
        from local.client import GosoClient

        view = GosoClient(target.api_url).operator_view(args.application_id)
    if args.json:
        _print_json(view)
        return 0
    _print_record(view["application"])
    print("audit trail:")
    for entry in view["audit"]:
        reason = (entry.get("detail") or {}).get("reason") or ", ".join(r["code"] for r in entry.get("reasons", []))
        print(f"  {entry['at']}  {entry['actor']:<22} {entry['action']:<24} {entry.get('status') or '':<20} {reason}")
    return 0


def cmd_review_list(args) -> int:
    from local.client import GosoClient

    with discovery.connect() as target:
        tasks = GosoClient(target.api_url).open_tasks(args.sector)
    if args.json:
        _print_json(tasks)
        return 0
    if not tasks:
        print(f"no open review tasks for sector {args.sector}")
    for task in tasks:
        print(f"{task['task_id']}  deadline {task['deadline']}")
    return 0


def cmd_review_decide(args) -> int:
    from local.client import ApiError, GosoClient

    with discovery.connect() as target:
        try:
            task = GosoClient(target.api_url).decide(args.task_id, args.decision, args.reason, args.operator)
        except ApiError as error:
            print(f"decision not accepted: {error}", file=sys.stderr)
            return 2
    if args.json:
        _print_json(task)
    else:
        print(f"{task['task_id']} {task['state']}: {task['decision']} by {task['operator_id']}")
    return 0


def cmd_executions(args) -> int:
    with discovery.connect() as target:
        sfn = target.client("stepfunctions")
        machines = sfn.list_state_machines()["stateMachines"]
        if not machines:
            print("no state machine on this stack", file=sys.stderr)
            return 1
        machine_arn = machines[0]["stateMachineArn"]
        if not args.application_id:
            executions = sfn.list_executions(stateMachineArn=machine_arn)["executions"]
            rows = [{"name": e["name"], "status": e["status"], "started": str(e["startDate"])} for e in executions]
            if args.json:
                _print_json(rows)
            for row in [] if args.json else rows:
                print(f"{row['name']}  {row['status']:<10} {row['started']}")
            return 0
        arn = machine_arn.replace(":stateMachine:", ":execution:") + ":" + args.application_id
        try:
            history = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        except sfn.exceptions.ExecutionDoesNotExist:
            print(f"no execution named {args.application_id}", file=sys.stderr)
            return 1
    rows = []
    for event in history:
        details = next((value for key, value in event.items() if key.endswith("EventDetails")), {})
        rows.append(
            {
                "id": event["id"],
                "time": str(event["timestamp"]),
                "type": event["type"],
                "state": details.get("name", ""),
                "error": details.get("error", ""),
            }
        )
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        print(f"{row['id']:>4}  {row['time']}  {row['type']:<28} {row['state']:<24} {row['error']}")
    return 0


# --- verify -----------------------------------------------------------------------------


def cmd_verify(args) -> int:
    from functions.permits.verification import verify_permit_pdf

    key_path = args.public_key or args.out / "issuer-public-key.pem"
    try:
        public_key = Path(key_path).read_bytes()
    except FileNotFoundError:
        print(f"public key {key_path} not found: pass --public-key PATH or run `goso demo` to write it", file=sys.stderr)
        return 2
    state = discovery.read_live_state()
    all_valid = True
    for path in args.files:
        if not path.is_file():
            print(f"{path} is not a file: pass permit PDF files", file=sys.stderr)
            return 2
        data = path.read_bytes()
        answer = verify_permit_pdf(data, public_key).model_dump()
        if answer["valid"] and state is not None:
            answer = _check_registry(answer, data, state["api_url"])
        all_valid = all_valid and answer["valid"]
        if args.json:
            _print_json(answer)
        else:
            verdict = "VALID" if answer["valid"] else "NOT VALID"
            print(f"{verdict}: {path} {answer.get('permit_number') or '-'} ({answer['reason']})")
    return 0 if all_valid else 1


def _check_registry(answer: dict, data: bytes, api_url: str) -> dict:
    """Add the running stack's registry entry; the file must be the permit issued under its number."""
    import hashlib

    from local.client import GosoClient

    registry = GosoClient(api_url).verify(answer["permit_number"])
    answer["registry"] = registry
    if not registry["valid"]:
        answer["valid"] = False
        answer["reason"] = f"signature valid, but the registry says: {registry['reason']}"
    elif registry["permit"]["sha256"] != hashlib.sha256(data).hexdigest():
        answer["valid"] = False
        answer["reason"] = "signature valid, but the registry holds a different document under this number"
    return answer


# --- parser -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="goso", description="GOSO permit pipeline on the local stack")
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="run the local stack until stopped and record its endpoints in .goso/stack.json")
    up.add_argument("--port", type=int, default=8080, help="port of the form and API on 127.0.0.1 (default 8080; 0 picks a free one)")
    up.add_argument("--aws-port", type=int, default=0, help="port of the AWS endpoint on 127.0.0.1 (default: a free one)")
    up.add_argument("--deadlines", type=Path, help="deadline profile JSON (default: the demo profile, in seconds)")
    up.set_defaults(handler=cmd_up)

    demo = commands.add_parser("demo", help="run every sample application to its final status")
    demo.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for permits and the issuer's public key (default out/)")
    demo.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    demo.add_argument("--timeout", type=float, default=180, help="seconds each sample may take (default 180)")
    demo.add_argument("--sample", action="append", help="run only this sample (repeatable)")
    demo.set_defaults(handler=cmd_demo)

    submit = commands.add_parser("submit", help="submit a folder holding application.json and the files it lists")
    submit.add_argument("folder", type=Path)
    submit.add_argument("--review", choices=["approve", "reject", "correction"], help="decide waiting reviews with this decision")
    submit.add_argument("--operator", help="operator id deciding the reviews (default: the demo operator of each sector)")
    submit.add_argument("--timeout", type=float, default=120, help="seconds to wait for a final status (default 120)")
    submit.add_argument("--json", action="store_true", help="print the final record as JSON on the last line")
    submit.set_defaults(handler=cmd_submit)

    status = commands.add_parser("status", help="show an application with its audit trail")
    status.add_argument("application_id")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status)

    review = commands.add_parser("review", help="review tasks of the sector technical teams")
    review_commands = review.add_subparsers(dest="review_command", required=True)
    listing = review_commands.add_parser("list", help="list a sector's open review tasks")
    listing.add_argument("--sector", required=True, help="sector code, e.g. DAG")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_review_list)
    decide = review_commands.add_parser("decide", help="approve, reject or request a correction on a task")
    decide.add_argument("task_id")
    decide.add_argument("--decision", required=True, choices=["approve", "reject", "correction"])
    decide.add_argument("--reason", required=True, help="recorded in the audit trail (3 to 2000 characters)")
    decide.add_argument("--operator", required=True, help="operator id; must belong to the task's sector")
    decide.add_argument("--json", action="store_true")
    decide.set_defaults(handler=cmd_review_decide)

    executions = commands.add_parser("executions", help="list executions, or show one application's state history")
    executions.add_argument("application_id", nargs="?")
    executions.add_argument("--json", action="store_true")
    executions.set_defaults(handler=cmd_executions)

    verify = commands.add_parser("verify", help="check a permit PDF's signature (and its registry status when a stack runs)")
    verify.add_argument("files", type=Path, nargs="+", metavar="FILE")
    verify.add_argument("--public-key", type=Path, help="issuer public key PEM (default: OUT/issuer-public-key.pem)")
    verify.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder of the demo (default out/)")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=cmd_verify)

    try:
        from local import cli_monitoring
    except ImportError:
        cli_monitoring = None
    if cli_monitoring is not None:
        cli_monitoring.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    from local.client import ApiError

    _quiet_libraries()
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ApiError as error:
        print(f"goso {args.command}: {error}", file=sys.stderr)
    except (OSError, ValueError) as error:
        # Missing or unreadable files, unparseable manifests, busy ports.
        print(f"goso {args.command}: {error}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
