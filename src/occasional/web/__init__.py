"""The web app and the Google Reader API, served by ``occasional serve``.

:func:`make_app` builds the Starlette application over an
:class:`~occasional.core.Engine`; see :mod:`occasional.web.app` for what
answers without a login and :mod:`occasional.web.reader` for the API.
"""

from .app import make_app

__all__ = ["make_app"]
