"""Adapters from the domain's ports to storage servers (S3 for blobs, ...); the domain itself
imports no server client. ``eoffice.bootstrap`` picks them from the settings."""
