"""The AWS CDK app of GOSO. Imported only by app.py and the infra tests, never by handlers."""
