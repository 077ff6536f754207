"""Exceptions raised while reading import files."""


class FileRejected(Exception):
    """The whole file cannot be read; the message says what and where."""


class RecordRejected(Exception):
    """One record cannot be imported; str() is the reason."""
