"""Use cases, wired once: what the CLI, the API and the pages do, each written in one place."""
