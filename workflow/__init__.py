"""Orchestration: the use-case steps that combine documents/, signing/ and search/, and the
Temporal workflows and activities that run the long ones (issue and dispatch).

Workflows are deterministic and move files by reference (SHA-256), never as payload.
"""
