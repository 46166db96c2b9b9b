"""Editor review of stored answers: the store, the workflow (claim, judge, edit, decide) and qrels export.

Reads answers (qa.models); knows nothing of HTTP or the terminal.
"""
