// Placeholder while the service is written.
