"""The bundled sample news web: realistic outlets served on loopback ports.

Public: :class:`NewsWeb` (async context manager), :func:`run_news_web`
(the same on a background thread), and the records it exposes,
:class:`Outlet` and :class:`DemoArticle`.
"""

from .model import BEHAVIOURS, FORMATS, KINDS, DemoArticle, Outlet
from .server import NewsWeb, run_news_web

__all__ = ["BEHAVIOURS", "FORMATS", "KINDS", "DemoArticle", "NewsWeb", "Outlet", "run_news_web"]
