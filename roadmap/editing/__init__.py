"""In-place editing: the registry of editable kinds, their forms, the saves that guard against lost
updates, and the one set of views that serves every kind."""
