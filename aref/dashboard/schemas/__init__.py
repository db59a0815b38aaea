"""Pydantic request and response models of the HTTP API (the wire shapes of ``aref.control.wire``)."""
