"""A sandbox national identity provider (VNeID-style OpenID Connect) served by the portal at /sandbox/vneid/
while VNEID_ISSUER is empty: discovery, JWKS, an authorization page where the tester picks or types a test
identity, the token endpoint and userinfo. Clearly labelled "Môi trường thử nghiệm"; it refuses what a real
provider would (see views.py)."""
