"""Tables, loading and upgrades of the warehouse. Knows nothing of fetching or Prefect."""
