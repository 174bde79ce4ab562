"""Deployment description: the topology declaration, the state machine definition and the CDK app."""
