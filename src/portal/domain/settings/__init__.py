"""Settings staff configure in the portal: approval thresholds and the review SLA."""
