"""The WSGI entry point the README gives gunicorn users: `gunicorn 'followup_ics.web:create_app()'`."""

from followup_ics.edges.web import FeedApp, create_app

__all__ = ["FeedApp", "create_app"]
