"""The web app and HTTP API (`storyline serve`): `create_app(store_url, ...)`."""

from .app import create_app

__all__ = ["create_app"]
