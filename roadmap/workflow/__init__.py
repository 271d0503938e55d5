"""The edition's life: the approval steps, readiness for submission, review comments, notifications,
the comparison of two editions and the next edition."""
