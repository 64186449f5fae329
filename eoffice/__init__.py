"""Wiring: settings, the code that builds adapters from them, the CLI and the embedded launcher.

The only package that reads the environment; nothing else imports it.
"""
