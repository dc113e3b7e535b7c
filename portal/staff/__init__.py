"""The staff desk: inboxes, the application desk, handler assignment and the deadline sweep."""
