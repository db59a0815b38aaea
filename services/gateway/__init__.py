"""Gateway: the order pipeline over the four shop services."""
