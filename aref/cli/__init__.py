"""The ``aref`` command line: click commands over the AREF HTTP API, rendered with rich.

An edge like the dashboard: it may import click, rich and httpx, never ray. Commands talk to
the control plane only through ``client.ArefClient``; every table and panel is drawn in
``render``; what touches the outside world (HTTP, sleeping, processes) is in ``runtime.Runtime``
so tests can replace it.
"""
