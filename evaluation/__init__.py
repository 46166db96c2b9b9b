"""Batch evaluation: question sets in, retrieval and answer metrics with intervals, a report out."""
