"""HTTP: the API and the clinician's page. Knows services, not how they score."""
