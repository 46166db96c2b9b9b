"""The ground floor: settings and the shared vocabulary (kinds, ids, domain errors, SQLite helper).

Every other package may import it; it imports none of them.
"""
