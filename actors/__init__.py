"""Ray actors: thin adapters that host the AREF engines and wire them together by handles."""
