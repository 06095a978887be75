"""Content built from the warehouse: role comparison pages and the static dashboard."""
