"""S3 object keys of the documents and manifests that applicants upload, one folder per round."""

MANIFEST_FILE_NAME = "application.json"


def document_key(application_id: str, round_number: int, slot: str) -> str:
    return f"incoming/{application_id}/r{round_number}/{slot}"


def manifest_key(application_id: str, round_number: int) -> str:
    return document_key(application_id, round_number, MANIFEST_FILE_NAME)

