"""Export the JSON Schemas of GOSO's models, for the web form and for other consumers.

Usage: python -m schemas.export OUT_DIR
"""

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from schemas.application import Application, VerificationResult
from schemas.events import EVENT_CLASSES
from schemas.manifest import Manifest
from schemas.permit import Permit, VerificationAnswer
from schemas.reasons import Reason
from schemas.review import ReviewDecision, ReviewTask

MODELS: dict[str, type[BaseModel]] = {
    "manifest": Manifest,
    "application": Application,
    "verification-result": VerificationResult,
    "review-task": ReviewTask,
    "review-decision": ReviewDecision,
    "permit": Permit,
    "verification-answer": VerificationAnswer,
    "reason": Reason,
    **{f"event-{event_type.value}": cls for event_type, cls in EVENT_CLASSES.items()},
}


def json_schemas() -> dict[str, dict]:
    return {name: model.model_json_schema() for name, model in MODELS.items()}


def export(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = out_dir / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m schemas.export OUT_DIR", file=sys.stderr)
        return 2
    for path in export(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
