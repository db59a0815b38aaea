"""The ``aref`` Serve application: the dashboard API and UI over the pillar actors."""
