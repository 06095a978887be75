"""Prefect flows: they wire `jobingest.pipeline` calls into tasks and hold no logic of their own."""
