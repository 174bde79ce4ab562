"""The embedded local stack (moto on 127.0.0.1, handlers in-process) and the `goso` CLI."""
