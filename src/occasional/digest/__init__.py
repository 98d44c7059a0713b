"""Digest."""
