"""The web side: JSON API under ``/api/v1`` (OpenAPI at ``/docs``) and server-rendered pages."""
