"""Tamper-evident history: every event of an application and every administrative change is hash-chained
(chain.py seals each row as it is inserted), `flask audit verify` walks the chains (verify.py), and an
administrator can download a signed proof of one application's history (proof.py, views.py, api.py)."""
