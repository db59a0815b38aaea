"""In-memory stand-ins for the runtime the local control plane needs without Ray: the event
fan-out between engines (``bus``), a replica scaler (``scaler``) and the engines wired together
(``runtime``)."""
