"""Thin edges: spreadsheet, batch folder, feeds and site export, web app and page, calendar links."""
