"""Deliver."""
