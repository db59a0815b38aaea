"""Pydantic request models (``*In``) and the error body of the HTTP API.

The response shapes are the TypedDicts of ``aref.control.wire``, served as they are.
"""
