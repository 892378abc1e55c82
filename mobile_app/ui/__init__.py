"""The Flet field app: the only package that imports flet. Logic lives in mobile_app.services."""
