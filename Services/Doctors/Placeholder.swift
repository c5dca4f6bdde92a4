// Replaced as the service is written.
