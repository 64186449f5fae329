"""Contract suites: one set of tests per port, run on every adapter (embedded and server)."""
