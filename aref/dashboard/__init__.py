"""The dashboard edge: the control-plane HTTP API (FastAPI) over a ``ControlPlane`` protocol.

``create_app`` lives in ``aref.dashboard.app``; this package root imports nothing so that the
pure modules (``control_plane``, ``views``, ``measures``, ``facts``, ``timeline``) can be used
without FastAPI.
"""
