"""Presentation: an answer as Markdown for the terminal and as HTML for the pages.

Used by the edges that render (api, medcite.cli); the answer pipeline never imports it.
"""
