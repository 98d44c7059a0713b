"""Schema migrations, applied in order by :mod:`occasional.storage.migrate`.

Each ``NNNN_name.py`` is an Alembic revision whose ``revision`` is its number
and whose ``down_revision`` is the previous one. Add a new file for every
schema change; never edit one that has shipped. Scripts spell out their
tables with plain SQLAlchemy types rather than importing ``schema.py``, so a
later change there cannot alter what an old migration did.
"""
