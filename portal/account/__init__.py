"""The signed-in person's own account: what it holds, and a change of e-mail address confirmed from the new
address (portal/account/email_change.py)."""
