"""The system of record: event-sourced aggregates, their service layer and the ports it owns.

Imports no web, Temporal or storage-server code. Everything else in the project reads from here.
"""
