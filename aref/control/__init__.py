"""The control plane: pillar services, the one control-plane implementation and its in-process transport."""
