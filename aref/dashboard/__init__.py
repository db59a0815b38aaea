"""The dashboard edge: the control-plane HTTP API (FastAPI) and the web UI over a ``ControlPlane``.

``create_app`` lives in ``aref.dashboard.app``; handlers only translate HTTP to control-plane
calls (``aref.control.plane``) and its answers back.
"""
