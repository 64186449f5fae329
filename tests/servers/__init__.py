"""Real storage servers for tests: each module starts one server (PostgreSQL, MinIO, SeaweedFS) as
a child process on free loopback ports with its data in a temporary directory, and stops it.

``tests.servers.plugin`` gathers their session fixtures; a test folder's ``conftest.py`` imports
the ones it needs and lists them in ``__all__`` (see ``tests/contract/conftest.py``).
"""
