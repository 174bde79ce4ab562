"""Pydantic models and reference data shared by the handlers, the local stack and infra."""
