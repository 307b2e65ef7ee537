"""The console's roles, named once: the database checks them and the console grants rights by them."""

ADMIN, VERIFIER, LIAISON, VIEWER = "admin", "verifier", "liaison", "viewer"
ROLES = (ADMIN, VERIFIER, LIAISON, VIEWER)
