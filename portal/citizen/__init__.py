"""The citizen's pages: the catalogue, a procedure, applying (drafts included), my applications and the
application page with its timeline, supplement form and actions."""
