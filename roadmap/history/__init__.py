"""The audit trail: reading django-simple-history's records of an edition, and the history page."""
