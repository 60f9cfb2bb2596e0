"""Stored value types other than strings (one module per Redis data type)."""
