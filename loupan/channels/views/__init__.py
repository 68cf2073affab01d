"""Pages of the channels app: thin views over the services and selectors."""
