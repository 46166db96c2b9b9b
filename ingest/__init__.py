"""Files → documents → chunks. Knows nothing about indexes or HTTP."""
