"""Site visits, findings and rectification orders (issue 2 of 7 builds them here)."""
